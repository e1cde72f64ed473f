//! Routes of the wall boards (a station's and the district's) and their tokens, each with its policy.

use yizhan_core::access::Permission;

use super::{district, live, page, snapshot, tokens};
use crate::policy::{Policy, Routes};

pub fn add(r: Routes) -> Routes {
    use Permission::*;
    use Policy::*;
    r.get("/board/district", Board, district::show)
        .get("/board/district/events", Board, district::events)
        .get("/board/{id}", Board, page::show)
        .get("/board/{id}/events", Board, live::events)
        .get("/stations/{id}/boards", Perm(BoardsManage), tokens::list)
        .post("/stations/{id}/boards", Perm(BoardsManage), tokens::create)
        .post("/boards/{id}/revoke", Perm(BoardsManage), tokens::revoke)
        .get("/api/v1/stations/{id}/board", Board, snapshot::json)
        .get("/api/v1/district/board", Board, district::json)
}
