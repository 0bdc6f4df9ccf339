"""Evidence for IG checks in tests: what an officer would type for an approval or a "not needed"."""

from datetime import date

from projects import services

APPROVAL = {
    "status": "approved",
    "decided_on": date(2026, 1, 5),
    "approver_name": "Grace Adeyemi",
    "approver_role": "Data Protection Officer",
    "approver_email": "dpo@council.example",
    "reference": "DPIA-2026-014",
    "document_url": "https://sharepoint.example/dpia.pdf",
    "note": "",
}
NOT_NEEDED = {"status": "not_needed", "decided_on": None, "reason": "No research: service improvement only"}


def record(check, actor, **overrides):
    evidence = {**(NOT_NEEDED if check.kind == "ethics" else APPROVAL), **overrides}
    return services.ig_check_update(check=check, actor=actor, **evidence)


def record_all(project, actor=None):
    actor = actor or project.officers.first()
    return [record(check, actor) for check in project.ig_checks.order_by("kind")]


def confirm_all(project, staff):
    for check in record_all(project):
        services.ig_check_confirm(check=check, actor=staff, confirm=True)
