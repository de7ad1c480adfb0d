"""The pages of the public site that the browser tests visit, by a short name."""

MAIN_PAGES = {
    "home": "/",
    "how-we-work": "/how-we-work/",
    "programmes": "/programmes/",
    "programme": "/programmes/future-cities-africa/",
    "jwps": "/jwp/",
    "jwp": "/jwp/cities-and-the-global-agendas/",
    "countries": "/countries/",
    "outputs": "/outputs/",
    "output": "/outputs/fca-feasibility-study/",
}
