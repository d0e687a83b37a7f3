"""The search page (issue 16): the header's search box lands here. What it finds is what the person
may see (reviews/services/search.py scopes every source through intervention.permissions)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from intervention.forms import SearchForm
from reviews.services import search as search_service


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = search_service.search(user=request.user, query=query) if query else []
    return render(
        request,
        "reviews/search.html",
        {
            "query": query,
            "results": results,
            "hit_count": sum(len(case.hits) for case in results),
            "too_short": bool(query) and not search_service.words_of(query),
        },
    )
