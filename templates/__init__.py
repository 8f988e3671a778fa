"""The built-in jinja2 templates: emails under `email/` (a `.txt` body that sets the subject,
and an `.html` alternative), and the board's reports. A board overrides any of them by putting
a file of the same name in its own folder (`[board] templates` in its config file).

PURPOSES says what each is for (`casework templates list`); a template not in it is described
by the first sentence of its own leading `{#- ... -#}` comment.
"""

PURPOSES = {
    "email/request_imr": "asks an agency for an individual management review (IMR)",
    "email/request_form_b": "asks an agency for a child death Form B",
    "email/request_reporting_form": "asks an agency for a child death reporting form",
    "email/request_supplementary_form": "asks an agency for a supplementary reporting form",
    "email/request_action": "asks an agency to carry out an action in the action plan",
    "email/request": "asks an agency for anything without its own template",
    "email/due_changed": "tells an agency its due date moved (extension, deferral, pause)",
    "email/withdrawn": "tells an agency a request is no longer needed",
    "email/reminder": "reminds the owner of a deadline coming or due",
    "email/escalation": "escalates an overdue request to the agency's escalation contact",
    "email/escalation_board": "escalates an overdue request to the board chair",
    "email/overdue_listing": "the week's overdue listing to the board mailbox",
    "email/_signature": "the signature closing every email, text and HTML parts",
    "email/_layout": "the frame of every email's HTML part",
    "report/overdue": "the overdue listing, a printable board paper",
    "report/figures": "the board's figures for a period, for its annual report",
    "report/_page": "the frame of every printed paper (marking, logo, page numbers)",
    "report/timeline": "one case's timeline: stages, agencies' requests, reminders, escalations",
    "report/history": "the panel's chronology of a case: every event in the order it happened",
}
