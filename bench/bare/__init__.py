"""The ceiling ``make bench-scale`` measures the portal against: a Django project with no apps,
no middleware and one view that answers each benchmarked URL with the exact bytes (body and
content type) the portal gave for it. What the portal serves slower than this is the portal's
own cost, not Django's, gunicorn's or the machine's."""
