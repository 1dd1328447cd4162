"""The SMS simulator's pages, mounted at /sms-sim/ only while ``settings.SMS_SIMULATOR_PAGE`` is on.

``/sms-sim/`` lists what the simulator "sent" so a developer sees the messages; ``/sms-sim/api/messages``
answers like a brandname gateway, so :class:`~.http.HttpBackend` can be tried against it.
"""

import json
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.core.access import access

from ..models import SimulatedSms
from .base import SmsError
from .simulator import simulated_sms_store

PAGE_SIZE = 200


@access(public=True, description="Development only: the messages stored by the local SMS simulator")
@require_GET
def simulator_page(request: HttpRequest) -> HttpResponse:
    sms_list = SimulatedSms.objects.all()[:PAGE_SIZE]
    return render(request, "notifications/sms_simulator.html", {"sms_list": sms_list})


@access(public=True, description="Development only: the local SMS simulator's gateway API")
@csrf_exempt  # a machine-to-machine API authenticated by its key, like the real gateway
@require_POST
def simulator_api(request: HttpRequest) -> JsonResponse:
    key = settings.SMS_API_KEY
    if key and not secrets.compare_digest(request.headers.get("Authorization", ""), f"Bearer {key}"):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        payload = json.loads(request.body)
        phone, message = str(payload["phone"]), str(payload["message"])
        brandname = str(payload.get("brandname", ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with phone, message and brandname"}, status=400)
    if not phone or not message:
        return JsonResponse({"error": "phone and message are required"}, status=400)
    try:
        reference = simulated_sms_store(phone=phone, message=message, brandname=brandname)
    except SmsError as exc:
        return JsonResponse({"error": str(exc)}, status=503)
    return JsonResponse({"id": reference, "status": "accepted"}, status=201)
