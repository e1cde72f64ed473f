"""Logs in to a running Yizhan through the JSON API and writes a schemathesis config for that
session (used by scripts/api_fuzz.sh).

    python3 api_fuzz_session.py BASE_URL USERNAME PASSWORD OUT.toml

The config carries the session cookie and the CSRF token as the document's `session` and
`csrf` security schemes (and an anonymous cookie and token, `anonymous` and `login_csrf`, for
the login), and dictionaries of ids that exist and that this account can read
(its stations, rooms, guests, stays, tests, groups, supplies, disinfection records,
enterprises, workers, accounts): path ids and id fields in bodies are drawn from them most of
the time, so the fuzzer reaches the handlers' rules instead of a 404 for an id nobody has.
"""

import http.cookiejar
import json
import sys
import urllib.error
import urllib.request

base, user, password, out = sys.argv[1:]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def get(path):
    """The JSON at `path`, or None when this account may not read it."""
    try:
        return json.load(opener.open(base + path, timeout=30))
    except urllib.error.HTTPError:
        return None


# The anonymous CSRF token (cookie yz_csrf) guards the login itself.
anon = get("/api/v1/session")["csrf_token"]
anon_cookie = {c.name: c.value for c in jar}["yz_csrf"]
login = urllib.request.Request(
    base + "/api/v1/session",
    method="POST",
    data=json.dumps({"username": user, "password": password}).encode(),
    headers={"Content-Type": "application/json", "X-CSRF-Token": anon},
)
csrf = json.load(opener.open(login, timeout=30))["csrf_token"]
cookie = {c.name: c.value for c in jar}["yz_session"]

ids = {name: set() for name in (
    "stations", "streets", "rooms", "guests", "stays", "tests", "groups", "supplies",
    "disinfections", "areas", "policies", "enterprises", "workers", "users",
)}


def collect(name, rows, key="id"):
    for row in rows or []:
        if isinstance(row, dict) and isinstance(row.get(key), int):
            ids[name].add(row[key])


collect("stations", get("/api/v1/stations"))
collect("streets", get("/api/v1/streets"))
collect("policies", get("/api/v1/policies"))
collect("enterprises", (get("/api/v1/enterprises") or {}).get("enterprises"))
collect("workers", (get("/api/v1/workers") or {}).get("workers"))
collect("users", get("/api/v1/users"))
for sid in sorted(ids["stations"])[:5]:
    collect("rooms", get(f"/api/v1/stations/{sid}/rooms"))
    guests = get(f"/api/v1/stations/{sid}/guests?all=true")
    collect("guests", guests)
    collect("stays", guests, "stay_id")
    collect("tests", get(f"/api/v1/stations/{sid}/tests"))
    collect("stays", get(f"/api/v1/stations/{sid}/attention"), "stay_id")
    collect("groups", get(f"/api/v1/stations/{sid}/roster"))
    collect("supplies", get(f"/api/v1/stations/{sid}/supplies"))
    disinfection = get(f"/api/v1/stations/{sid}/disinfection") or {}
    collect("areas", disinfection.get("areas"))
    collect("disinfections", disinfection.get("records"))


def toml(v):
    return json.dumps(v, ensure_ascii=False)


lines = [
    "# Written by scripts/api_fuzz_session.py for one run; not kept.",
    # No cache of earlier runs' findings (.schemathesis/): each run is the same given its seed.
    "[cache]",
    "enabled = false",
    "[auth.openapi.session]",
    f"api_key = {toml(cookie)}",
    "[auth.openapi.csrf]",
    f"api_key = {toml(csrf)}",
    # For the login, which the fuzzer tries with names it makes up.
    "[auth.openapi.anonymous]",
    f"api_key = {toml(anon_cookie)}",
    "[auth.openapi.login_csrf]",
    f"api_key = {toml(anon)}",
]
dictionaries = {name: sorted(v) for name, v in ids.items() if v}
dictionaries["targets"] = [f"room:{i}" for i in dictionaries.get("rooms", [])[:50]] + [
    f"area:{i}" for i in dictionaries.get("areas", [])
]
dictionaries = {k: v for k, v in dictionaries.items() if v}
for name, values in dictionaries.items():
    lines += [f"[dictionaries.{name}]", f"values = {toml(values)}"]

# Id fields of request bodies, in every operation that has them.
body = {
    "body.room_id": "rooms",
    "body.policy_id": "policies",
    "body.stay_id": "stays",
    "body.worker_id": "workers",
    "body.street_id": "streets",
    "body.target": "targets",
}
bound = {k: d for k, d in body.items() if d in dictionaries}
if bound:
    lines.append("[parameters]")
    lines += [f'"{k}" = {{ dictionary = "{d}", probability = 0.8 }}' for k, d in bound.items()]

# The `{id}` of each kind of path.
paths = [
    (r"^/api/v1/stations/\{id\}", "stations"),
    (r"^/api/v1/rooms/", "rooms"),
    (r"^/api/v1/guests/", "guests"),
    (r"^/api/v1/stays/", "stays"),
    (r"^/api/v1/tests/", "tests"),
    (r"^/api/v1/groups/", "groups"),
    (r"^/api/v1/supplies/", "supplies"),
    (r"^/api/v1/disinfection/", "disinfections"),
    (r"^/api/v1/enterprises/", "enterprises"),
    (r"^/api/v1/workers/", "workers"),
    (r"^/api/v1/users/", "users"),
]
for regex, name in paths:
    if name in dictionaries:
        lines += [
            "[[operations]]",
            f"include-path-regex = {toml(regex)}",
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.8 }} }}',
        ]

with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
counts = ", ".join(f"{k} {len(v)}" for k, v in dictionaries.items())
print(f"logged in as {user}; known ids: {counts}", file=sys.stderr)
