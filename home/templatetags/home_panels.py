from django import template

from home import selectors

register = template.Library()

# The dashboard shows the first lines of "Needs your attention"; the rest are on their own page.
ATTENTION_ON_HOME = 10


@register.inclusion_tag("home/panels/staff_attention.html")
def staff_attention_panel():
    attention = selectors.staff_attention()
    return {"attention": attention[:ATTENTION_ON_HOME], "attention_total": len(attention)}
