//! Browser tests in headless Chromium against the real server on a real port, by area.

#[path = "../browser_support/mod.rs"]
mod browser_support;
#[path = "../common/mod.rs"]
mod common;

mod alerts;
mod board;
mod case_reports;
mod command;
mod guest_page;
mod home;
mod intake;
mod lists;
mod navigation;
mod registration;
mod release;
mod station;
mod support;
mod transfer;
mod transfer_dispatch;
mod work;
