//! `yizhan channel`: connect a group robot, a webhook, e-mail or SMS, and see the channels.

use anyhow::{Context, bail};
use yizhan_core::access::Actor;
use yizhan_core::notify::channel::{ChannelInput, validate_channel};
use yizhan_store::notify::channels;

use crate::cli::{ChannelCmd, DbArgs, open, secret_key};
use crate::say;

pub async fn run(args: &DbArgs, cmd: ChannelCmd) -> anyhow::Result<()> {
    let db = open(args).await?;
    match cmd {
        ChannelCmd::Add {
            kind,
            name,
            url,
            secret,
            recipients,
            sender,
            body,
            street,
            station,
            min_severity,
            per_minute,
        } => {
            let key = secret_key(args)?.context(say::both("error.no_secret_key", &[]))?;
            let c = validate_channel(&ChannelInput {
                kind,
                name,
                url,
                secret: secret.unwrap_or_default(),
                min_severity,
                per_minute: per_minute.to_string(),
                recipients,
                mail_from: sender,
                request_body: body,
            })
            .map_err(|e| anyhow::anyhow!(say::refusal(&e)))?;
            if let Some(st) = station {
                yizhan_store::station::stations::get(&db, st).await.context("no such station")?;
            }
            if let Some(s) = street
                && !yizhan_store::station::stations::streets(&db).await?.iter().any(|x| x.id == s)
            {
                bail!("no such street: {s}");
            }
            let id = channels::create(
                &db,
                &Actor::system(),
                &yizhan_web::notify::sealed(Some(&key), c, street, station)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            )
            .await?;
            println!("{}", say::both("cli.channel_added", &[("id", &id.to_string())]));
        }
        ChannelCmd::List => {
            for c in channels::list(&db).await? {
                let scope = match (c.street_id, c.station_id) {
                    (_, Some(st)) => format!("station:{st}"),
                    (Some(s), None) => format!("street:{s}"),
                    (None, None) => "district".to_owned(),
                };
                println!(
                    "{:>4}  {:<9} {:<24} {:<12} {:<9} {:>3}/min  {}  {}",
                    c.id,
                    c.kind.as_str(),
                    c.name,
                    scope,
                    c.min_severity.as_str(),
                    c.per_minute,
                    c.url_hint,
                    if c.active { "active" } else { "stopped" }
                );
            }
        }
    }
    db.close().await;
    Ok(())
}
