"""The walkthrough of docs/api.md, run against a real `yizhan serve` with the demo data (by
scripts/api_fuzz.sh in CI) through a Python client generated from the server's own OpenAPI
document (openapi-python-client): an administrator makes two system accounts and their tokens;
the station's system registers a guest, checks them in, records a fever and reads the wall
board; the district platform follows the change feed and finds each change. Every answer is
parsed into the client's models, which are generated from the document's answer schemas — so
the walkthrough fails when the document and the server disagree.

    python api_walkthrough.py BASE_URL ADMIN_PASSWORD CLIENT_DIR
"""

import random
import sys

base, admin_password, client_dir = sys.argv[1:]
sys.path.insert(0, client_dir)

from yizhan_client import AuthenticatedClient, Client  # noqa: E402
from yizhan_client.api.default import (  # noqa: E402
    get_api_v1_events,
    get_api_v1_policies,
    get_api_v1_session,
    get_api_v1_stations,
    get_api_v1_stations_id_board,
    get_api_v1_stations_id_rooms,
    post_api_v1_guests_id_check_in,
    post_api_v1_session,
    post_api_v1_stations_id_guests,
    post_api_v1_stays_id_health,
    post_api_v1_users,
    post_api_v1_users_id_tokens,
)
from yizhan_client.models import (  # noqa: E402
    PostApiV1GuestsIdCheckInBody,
    PostApiV1SessionBody,
    PostApiV1StationsIdGuestsBody,
    PostApiV1StaysIdHealthBody,
    PostApiV1UsersBody,
    PostApiV1UsersIdTokensBody,
)


def ok(resp, *statuses):
    """The parsed answer, or the run fails naming the call."""
    if resp.status_code not in statuses:
        sys.exit(f"FAIL: answered {resp.status_code}, expected {statuses}: {resp.content[:500]!r}")
    return resp.parsed


# 1. The administrator signs in (session cookie, and the CSRF token on each write) and makes
#    the systems' accounts, each with a token.
admin = Client(base_url=base, raise_on_unexpected_status=True)
http = admin.get_httpx_client()
http.headers["X-CSRF-Token"] = ok(get_api_v1_session.sync_detailed(client=admin), 200).csrf_token
login = PostApiV1SessionBody(username="admin", password=admin_password)
http.headers["X-CSRF-Token"] = ok(post_api_v1_session.sync_detailed(client=admin, body=login), 200).csrf_token
station = ok(get_api_v1_stations.sync_detailed(client=admin), 200)[0]
tag = random.randrange(10**6)


def system(name, role, scope):
    body = PostApiV1UsersBody.from_dict({
        "username": f"{name}-{tag}", "display_name": name, "service": True,
        "grants": [{"role": role, "scope": scope}],
    })
    user = ok(post_api_v1_users.sync_detailed(client=admin, body=body), 201).user
    issued = ok(post_api_v1_users_id_tokens.sync_detailed(
        user.id, client=admin, body=PostApiV1UsersIdTokensBody(label=name)), 201)
    return AuthenticatedClient(base_url=base, token=issued.secret, raise_on_unexpected_status=True)


desk = system("station-desk", "station_staff", f"station:{station.id}")
platform = system("district-platform", "viewer", "district")
page = ok(get_api_v1_events.sync_detailed(client=platform, limit=500), 200)
while page.more:
    page = ok(get_api_v1_events.sync_detailed(client=platform, after=page.next_after, limit=500), 200)
after = page.next_after

# 2. The station's system registers a guest and checks them into a ready room.
registration = PostApiV1StationsIdGuestsBody.from_dict({
    "doc_type": "passport", "doc_number": f"W{tag:08d}", "name": "演练旅客",
    "sex": "male", "birth_date": "1985-03-02", "phone": "13800138000",
    "region": "香港", "category": "cross_border_driver",
    "employer": "深港运输有限公司", "plate_cn": "粤B12345",
})
guest = ok(post_api_v1_stations_id_guests.sync_detailed(station.id, client=desk, body=registration), 201)
policies = ok(get_api_v1_policies.sync_detailed(client=desk), 200)
policy = next(p for p in policies if p.code == "driver")
rooms = ok(get_api_v1_stations_id_rooms.sync_detailed(station.id, client=desk), 200)
room = next(r for r in rooms if r.state.value == "ready")
check_in = PostApiV1GuestsIdCheckInBody(room_id=room.id, policy_id=policy.id)
stay = ok(post_api_v1_guests_id_check_in.sync_detailed(guest.id, client=desk, body=check_in), 201)

# 3. A fever at the round: an alert.
fever = PostApiV1StaysIdHealthBody.from_dict({"temperature": "38.2"})
reading = ok(post_api_v1_stays_id_health.sync_detailed(stay.id, client=desk, body=fever), 200)
if reading.check.temperature != 382 or not reading.alert_id:
    sys.exit(f"FAIL: 38.2 °C opened no alert: {reading.to_dict()}")

# 4. The wall board shows the room taken and the fever.
board = ok(get_api_v1_stations_id_board.sync_detailed(station.id, client=desk), 200)
cell = next(r for r in board.rooms if r.number == room.number)
if (cell.state.value, cell.alert) != ("occupied", "fever"):
    sys.exit(f"FAIL: the board shows room {room.number} as {cell.to_dict()}")

# 5. The platform follows the feed and finds each change, in order.
feed = ok(get_api_v1_events.sync_detailed(client=platform, after=after, limit=500), 200)
seen = [(e.action, e.object_type, e.object_id) for e in feed.events]
for wanted in [("guest.create", "guest", str(guest.id)), ("stay.check_in", "stay", str(stay.id))]:
    if wanted not in seen:
        sys.exit(f"FAIL: {wanted} not in the feed: {seen}")
if not any(a == "health.record" for a, _, _ in seen):
    sys.exit(f"FAIL: the reading is not in the feed: {seen}")
print(f"API walkthrough (generated client): guest {guest.id} checked into room {room.number}, "
      f"fever recorded, board and feed agree ({len(seen)} changes followed)")
