"""Response headers that protect every page: the Content-Security-Policy (django-csp, policy in
``CONTENT_SECURITY_POLICY``). Its middleware sits below the public cache, so a cached page is
served with the header it was made with, at no cost per request."""

from csp.middleware import CSPMiddleware


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, as configured in the settings, for the site, the API and the
    admin alike: no page of ours needs an inline script or style."""
