from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, number: int, param: str = "page") -> str:
    """The current query string with one page number changed, so filters survive paging."""
    query = context["request"].GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def elided_pages(page: Any) -> list[int | str]:
    """The page numbers to link, with "…" for the runs left out (Django's elided page range): the
    first and last, and two either side of the current page."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
