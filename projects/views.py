from django.http import Http404


def log_detail(request, pk: int, log_pk: int):
    raise Http404
