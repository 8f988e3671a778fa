"""Everything that leaves the building: emails rendered from templates, the outbox they wait
in, and the transports that deliver them (SMTP, or a folder of .eml files).

    render      jinja2 over the board's template folder, then the built-in `templates/`
    notifier    listens to the case service and queues requests to agencies
    outbox      the queue: claim, deliver, retry with backoff, never the same key twice
    transports  SMTP (STARTTLS, implicit TLS, login) and the folder of .eml files

Nothing here is imported by `casework`; the command line wires the notifier into the service.
"""
