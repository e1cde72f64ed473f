//! Routes of sign-in, the account, the start page, users and the audit log, each with its policy.

use yizhan_core::access::Permission;

use super::{account, audit, badges, channels, events, home, login, users};
use crate::notify::{inbox, settings};
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r.get("/login", Public, login::form)
        .post("/login", Public, login::submit)
        .post("/logout", Pending, login::logout)
        .post("/lang", Public, login::set_lang)
        .get("/account/password", Pending, account::form)
        .post("/account/password", Pending, account::submit)
        .get("/", Login, home::show)
        .get("/nav/badges", Login, badges::show)
        .get("/inbox", Login, inbox::list)
        .post("/inbox/read", Login, inbox::read)
        .get("/inbox/events", Login, inbox::events)
        .get("/api/v1/inbox", Login, inbox::unread)
        .get("/account/notifications", Login, settings::form)
        .post("/account/notifications", Login, settings::save)
        .get("/admin/users", Perm(UsersManage), users::list)
        .get("/admin/users/new", Perm(UsersManage), users::new_form)
        .get("/admin/users/export.xlsx", Perm(UsersManage), users::export)
        .post("/admin/users", Perm(UsersManage), users::create)
        .get("/admin/users/{id}", Perm(UsersManage), users::edit_form)
        .post("/admin/users/{id}", Perm(UsersManage), users::update)
        .post("/admin/users/{id}/password", Perm(UsersManage), users::reset_password)
        .post("/admin/users/{id}/tokens", Perm(UsersManage), users::tokens::create)
        .post("/admin/users/{id}/tokens/revoke", Perm(UsersManage), users::tokens::revoke_form)
        .post("/admin/users/{id}/hook", Perm(UsersManage), users::hooks::set_form)
        .post("/admin/users/{id}/hook/remove", Perm(UsersManage), users::hooks::remove_form)
        .get("/admin/audit", Perm(AuditRead), audit::list)
        .get("/admin/channels", Perm(ChannelsManage), channels::list)
        .post("/admin/channels", Perm(ChannelsManage), channels::create)
        .post("/admin/channels/{id}/active", Perm(ChannelsManage), channels::set_active)
        .post("/admin/channels/{id}/test", Perm(ChannelsManage), channels::test)
        .get("/api/v1/session", Public, account::json::session)
        .post("/api/v1/session", Public, account::json::login)
        .delete("/api/v1/session", Pending, account::json::logout)
        .post("/api/v1/account/password", Pending, account::json::change_password)
        .get("/api/v1/users", Perm(UsersManage), users::json::list)
        .post("/api/v1/users", Perm(UsersManage), users::json::create)
        .get("/api/v1/users/{id}", Perm(UsersManage), users::json::get)
        .put("/api/v1/users/{id}", Perm(UsersManage), users::json::update)
        .get("/api/v1/users/{id}/tokens", Perm(UsersManage), users::tokens::api_list)
        .post("/api/v1/users/{id}/tokens", Perm(UsersManage), users::tokens::api_create)
        .post("/api/v1/users/{id}/tokens/revoke", Perm(UsersManage), users::tokens::api_revoke)
        .get("/api/v1/users/{id}/hook", Perm(UsersManage), users::hooks::api_get)
        .put("/api/v1/users/{id}/hook", Perm(UsersManage), users::hooks::api_set)
        .delete("/api/v1/users/{id}/hook", Perm(UsersManage), users::hooks::api_remove)
        .get("/api/v1/audit", Perm(AuditRead), users::json::audit_log)
        .get("/api/v1/events", Perm(GuestsRead), events::feed)
}
