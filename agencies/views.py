from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def dashboard(request):
    return HttpResponse("portal")


@login_required
def apply(request):
    return HttpResponse("apply")


@login_required
def filing(request):
    return HttpResponse("filing")


def signup(request):
    return HttpResponse("signup")
