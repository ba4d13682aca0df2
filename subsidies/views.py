from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def claim_list(request):
    return HttpResponse("claims")


@login_required
def claim_detail(request, pk):
    return HttpResponse("claim")
