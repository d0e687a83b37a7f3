from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int, param: str = "page") -> str:
    """The current query string with one page number changed, so filters survive paging."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
