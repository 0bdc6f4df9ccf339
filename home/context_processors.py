from django.urls import NoReverseMatch, reverse

from accounts.permissions import Role, has_role

# (label, url name, roles that see it). Apps add their sections here as they grow.
# Kept short enough to fit one line for each role; the staff dashboard links the rest (organisations,
# showcase, curricula, allocations).
NAVIGATION = [
    ("Home", "home", (Role.STAFF, Role.MENTOR, Role.OFFICER)),
    ("Cohorts", "cohorts:cohort_list", (Role.STAFF,)),
    ("Projects", "projects:cohort_index", (Role.STAFF,)),
    ("My project", "projects:my_project", (Role.OFFICER,)),
    ("Mentees’ projects", "projects:mentee_projects", (Role.MENTOR,)),
    ("Mentoring", "mentoring:booking_list", (Role.STAFF, Role.MENTOR, Role.OFFICER)),
    ("My attendance", "cohorts:my_attendance", (Role.OFFICER,)),
    ("Exercises", "exercises:exercise_list", (Role.STAFF, Role.OFFICER)),
    ("Apply", "cohorts:cohorts_open", (Role.OFFICER,)),
    ("Showcase", "projects:showcase", (Role.MENTOR, Role.OFFICER)),
    ("Impact", "trainers:impact_summary", (Role.STAFF, Role.MENTOR, Role.OFFICER)),
    ("People", "accounts:people_list", (Role.STAFF,)),
    ("Outbox", "notifications:outbox", (Role.STAFF,)),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation_items": []}
    items = []
    for label, url_name, roles in NAVIGATION:
        if not any(has_role(user, role) for role in roles):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue
        current = request.path == href or (href != "/" and request.path.startswith(href))
        items.append({"text": label, "href": href, "current": current})
    # Only the most specific match is current (/cohorts/impact/ is Impact, not also Cohorts).
    longest = max((len(item["href"]) for item in items if item["current"]), default=0)
    for item in items:
        item["current"] = item["current"] and len(item["href"]) == longest
    return {"navigation_items": items}
