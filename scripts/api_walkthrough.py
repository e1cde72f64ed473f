"""The walkthrough of docs/api.md, run against a real `yizhan serve` with the demo data (by
scripts/api_fuzz.sh in CI): an administrator makes two system accounts and their tokens; the
station's system registers a guest, checks them in, records a fever and reads the wall board;
the district platform follows the change feed and finds each change. Standard library only.

    python3 api_walkthrough.py BASE_URL ADMIN_PASSWORD
"""

import http.cookiejar
import json
import random
import sys
import urllib.error
import urllib.request

base, admin_password = sys.argv[1:]


class Api:
    """A caller: a signed-in person (cookie and CSRF token) or a system (bearer token)."""

    def __init__(self, token=None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token, self.csrf = token, None

    def call(self, method, path, body=None, expect=(200,)):
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        elif self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
        try:
            resp = self.opener.open(req, timeout=30)
            status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        if status not in expect:
            sys.exit(f"FAIL: {method} {path} answered {status}, expected {expect}: {text[:500]}")
        return json.loads(text) if text else None


# 1. The administrator signs in and makes the systems' accounts, each with a token.
admin = Api()
admin.csrf = admin.call("GET", "/api/v1/session")["csrf_token"]
admin.call("POST", "/api/v1/session", {"username": "admin", "password": admin_password})
admin.csrf = admin.call("GET", "/api/v1/session")["csrf_token"]
station = admin.call("GET", "/api/v1/stations")[0]
tag = random.randrange(10**6)


def system(name, role, scope):
    user = admin.call(
        "POST",
        "/api/v1/users",
        {"username": f"{name}-{tag}", "display_name": name, "service": True,
         "grants": [{"role": role, "scope": scope}]},
        expect=(201,),
    )["user"]
    issued = admin.call("POST", f"/api/v1/users/{user['id']}/tokens", {"label": name}, expect=(201,))
    return Api(issued["secret"])


desk = system("station-desk", "station_staff", f"station:{station['id']}")
platform = system("district-platform", "viewer", "district")
start = platform.call("GET", "/api/v1/events?limit=500")
while start["more"]:
    start = platform.call("GET", f"/api/v1/events?after={start['next_after']}&limit=500")
after = start["next_after"]

# 2. The station's system registers a guest and checks them into a ready room.
guest = desk.call(
    "POST",
    f"/api/v1/stations/{station['id']}/guests",
    {"doc_type": "passport", "doc_number": f"W{tag:08d}", "name": "演练旅客",
     "sex": "male", "birth_date": "1985-03-02", "phone": "13800138000",
     "region": "香港", "category": "cross_border_driver",
     "employer": "深港运输有限公司", "plate_cn": "粤B12345"},
    expect=(201,),
)
policy = next(p for p in desk.call("GET", "/api/v1/policies") if p["code"] == "driver")
rooms = desk.call("GET", f"/api/v1/stations/{station['id']}/rooms")
room = next(r for r in rooms if r["state"] == "ready")
stay = desk.call(
    "POST",
    f"/api/v1/guests/{guest['id']}/check-in",
    {"room_id": room["id"], "policy_id": policy["id"]},
    expect=(201,),
)

# 3. A fever at the round: an alert.
reading = desk.call("POST", f"/api/v1/stays/{stay['id']}/health", {"temperature": "38.2"}, expect=(200, 201))
if reading["check"]["temperature"] != 382 or not reading.get("alert_id"):
    sys.exit(f"FAIL: 38.2 °C opened no alert: {reading}")

# 4. The wall board shows the room taken and the fever.
board = desk.call("GET", f"/api/v1/stations/{station['id']}/board")
cell = next(r for r in board["rooms"] if r["number"] == room["number"])
if (cell["state"], cell.get("alert")) != ("occupied", "fever"):
    sys.exit(f"FAIL: the board shows room {room['number']} as {cell}")

# 5. The platform follows the feed and finds each change, in order.
feed = platform.call("GET", f"/api/v1/events?after={after}&limit=500")
seen = [(e["action"], e["object_type"], e["object_id"]) for e in feed["events"]]
for wanted in [("guest.create", "guest", str(guest["id"])), ("stay.check_in", "stay", str(stay["id"]))]:
    if wanted not in seen:
        sys.exit(f"FAIL: {wanted} not in the feed: {seen}")
if not any(a == "health.record" for a, _, _ in seen):
    sys.exit(f"FAIL: the reading is not in the feed: {seen}")
print(f"API walkthrough: guest {guest['id']} checked into room {room['number']}, fever recorded, "
      f"board and feed agree ({len(seen)} changes followed)")
