# English. Format: key = value; {name} is a placeholder.
app.name = Yizhan
app.footer = Yizhan · health station and epidemic command operations
punct.colon = :${SPACE}

nav.menu = Menu
nav.home = Home
nav.stations = Stations
nav.users = Users
nav.audit = Audit log
nav.logout = Log out

login.title = Log in
login.intro = Log in with the account you were given.
login.submit = Log in

home.title = Workspace
home.greeting = Hello, {name}.
home.roles = My roles and scope
home.stations = Stations you can see
home.users = User accounts

password.title = Change password
password.must_change = This is your first login or your password was reset: set a new password before you go on.
password.done = Password changed. Sessions on other devices have been signed out.
password.rules = At least 10 characters; phrases and spaces are welcome. Not a common password, and not containing your user name.
password.submit = Save new password

stations.title = Stations
stations.new = New station
stations.edit = Edit station
stations.detail = Station
stations.empty = No stations to show.
stations.back = Back to stations
stations.all_streets = All streets
stations.summary = {count} stations, {beds} beds
station.kind.hotel = Hotel health station
station.kind.centralized = Centralized quarantine site
station.kind.other = Other

users.title = Users
users.new = New user
users.edit = Edit user
users.grants = Roles and scope
users.one_time_password = One-time password (shown only now; tell the person directly; it must be changed at first login):
users.reset_password = Reset password

audit.title = Audit log
audit.intact = Audit chain intact: {rows} entries, each verified.
audit.broken = Audit chain broken: entry {seq} does not verify ({reason}).
audit.at = Time
audit.actor = By
audit.action = Action
audit.object = Object

scope.district = Whole district
scope.street = Street
scope.station = Station
scope.enterprise = Enterprise

role.admin = Administrator
role.commander = Commander
role.station_lead = Station lead
role.station_staff = Station staff
role.medical = Medical
role.counsellor = Counsellor
role.inspector = Inspector
role.enterprise = Enterprise contact
role.viewer = Viewer (read-only)

field.username = User name
field.password = Password
field.current_password = Current password
field.new_password = New password
field.repeat_password = Repeat new password
field.current = Current password
field.new = New password
field.repeat = Repeat new password
field.display_name = Name
field.role = Role
field.scope = Scope
field.name = Name
field.street_id = Street
field.address = Address
field.kind = Type
field.capacity = Beds
field.contact_name = Contact
field.contact_phone = Contact phone
field.active = Active

common.yes = Yes
common.no = No
common.edit = Edit
common.save = Save
common.cancel = Cancel
common.filter = Filter
common.export_xlsx = Export to Excel
common.updated_at = Last updated

error.title = Something went wrong
error.back_home = Back to home
error.bad_request = The request is malformed:${SPACE}
error.conflict = {field} already exists or conflicts with an existing record; change it and submit again.
error.unauthenticated = Please log in first.
error.forbidden = You are not allowed to do this.
error.csrf = The page has expired or the request did not come from this site; reload the page and try again.
error.not_found = Not found, or you are not allowed to see it.
error.too_large = The request is too large.
error.throttled = Too many failed logins: try again in 15 minutes.
error.unavailable = The database is unavailable right now; try again shortly. Saved data is not affected.
error.internal = Internal error; it has been logged. Try again later or contact the administrator.
error.login_failed = Wrong user name or password.
error.password_common = That password is too common; choose one that is harder to guess.
error.password_has_username = The new password must not contain your user name.
error.password_change_required = Change your initial password first.
error.current_password_wrong = The current password is wrong.
error.passwords_differ = The two new passwords differ.
error.password_unchanged = The new password must differ from the current one.
error.scope_not_for_role = This role cannot have that scope (station roles need a specific station, for example).
error.role_required = Choose at least one role for the user.
error.cannot_demote_self = You cannot deactivate your own account or remove your own administrator role.
