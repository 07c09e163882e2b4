//! Several instances on one PostgreSQL database: every append `NOTIFY`s
//! [`super::log::CHANNEL`] with `<domain>:<seq>` (delivered on commit only), and every
//! instance `LISTEN`s on a dedicated connection and wakes that domain's tailer, which
//! reads the new events from the log itself. The payload is only a wake-up: nothing is
//! lost if a notification is. When the listener's connection drops, it reconnects (with
//! backoff) and wakes every tailer, which catch up from the log.

use std::sync::Weak;
use std::time::Duration;

use entity::Domain;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::Notify;

use super::log::CHANNEL;

/// Longest wait between two reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// `application_name` of the listener's connection (so operators can find it).
pub const APPLICATION_NAME: &str = "mosaic-listener";

/// Listens on the database at `url` for the appends of `domains`, waking their tailers,
/// until every tailer is gone.
pub async fn run(url: String, domains: Vec<(Domain, Weak<Notify>)>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        if domains.iter().all(|(_, w)| w.strong_count() == 0) {
            return;
        }
        match connect(&url).await {
            Ok(mut listener) => {
                tracing::debug!("listening for log appends on PostgreSQL");
                backoff = Duration::from_millis(100);
                // Whatever was committed while nobody listened is in the log.
                wake(&domains, None);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(n)) => {
                            let domain = n.payload().split(':').next().unwrap_or_default();
                            wake(&domains, Some(domain));
                        }
                        Ok(None) => break,
                        Err(e) => {
                            tracing::warn!("the log listener's connection failed: {e}");
                            break;
                        }
                    }
                    if domains.iter().all(|(_, w)| w.strong_count() == 0) {
                        return;
                    }
                }
                tracing::warn!("the log listener lost its connection; reconnecting");
            }
            Err(e) => tracing::warn!("the log listener cannot connect: {e}"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn connect(url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let options: PgConnectOptions = url.parse()?;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options.application_name(APPLICATION_NAME))
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Wakes the tailer of `domain` (named as in the payload), or of every domain.
fn wake(domains: &[(Domain, Weak<Notify>)], domain: Option<&str>) {
    for (d, waker) in domains {
        if domain.is_none_or(|name| name == d.name())
            && let Some(w) = waker.upgrade()
        {
            w.notify_one();
        }
    }
}
