//! The TCP accept loop: hyper (HTTP/1.1 and HTTP/2, WebSocket upgrades) with a header
//! read timeout (slowloris), an idle keep-alive timeout, and graceful shutdown.
//!
//! `axum::serve` exposes none of these settings, so connections are served here.
//!
//! Graceful shutdown: once the shutdown future resolves, the listener is closed (new
//! clients are refused), every HTTP connection finishes its requests in flight and
//! closes, and every upgraded connection is told through the [`Shutdown`] its request
//! carried: hyper hands an upgraded socket off and no longer tracks it, so without this a
//! WebSocket would simply be cut when the process exits. [`serve`] returns when every
//! request and socket is done, or after [`ServerTimeouts::shutdown_grace`].

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Connection timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerTimeouts {
    /// Longest a client may take to send a request's headers.
    pub header_read: Duration,
    /// Longest a kept-alive connection may sit without a request.
    pub idle: Duration,
    /// Longest shutdown waits for requests in flight and open WebSockets.
    pub shutdown_grace: Duration,
}

impl Default for ServerTimeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// The server's shutdown, as a long-lived connection (a WebSocket) sees it. [`serve`] puts
/// one in every request's extensions, and on shutdown waits (up to the grace period) until
/// every one of them is dropped: a connection keeps it for as long as it needs to close.
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A shutdown that `trigger.send(true)` (or dropping `trigger`) starts, and whether
    /// every copy of it is gone (`trigger.closed()`): for serving outside [`serve`].
    pub fn channel() -> (watch::Sender<bool>, Self) {
        let (trigger, rx) = watch::channel(false);
        (trigger, Self(rx))
    }

    /// Resolves once the server is shutting down (at once if it already is).
    pub async fn requested(&mut self) {
        // An error means the server is gone: shutting down all the same.
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

/// Requests in flight on one connection and when the last one ended.
struct Activity {
    in_flight: AtomicUsize,
    last: Mutex<Instant>,
}

impl Activity {
    fn touch(&self) {
        if let Ok(mut t) = self.last.lock() {
            *t = Instant::now();
        }
    }

    fn idle_for(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        self.last.lock().ok().map(|t| t.elapsed())
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then closes the listener and
/// lets requests in flight finish and WebSockets close (up to the grace period).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: ServerTimeouts,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(timeouts.idle / 2))
        .keep_alive_timeout(timeouts.header_read);
    let builder = Arc::new(builder);
    let (stop_tx, stop_rx) = Shutdown::channel();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let builder = Arc::clone(&builder);
        let router = router.clone();
        let shutdown = stop_rx.clone();
        let mut stop = stop_rx.0.clone();
        tokio::spawn(async move {
            let activity = Arc::new(Activity {
                in_flight: AtomicUsize::new(0),
                last: Mutex::new(Instant::now()),
            });
            let seen = Arc::clone(&activity);
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let router = router.clone();
                let activity = Arc::clone(&seen);
                activity.in_flight.fetch_add(1, Ordering::SeqCst);
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(shutdown.clone());
                async move {
                    let res = router.oneshot(req).await;
                    activity.in_flight.fetch_sub(1, Ordering::SeqCst);
                    activity.touch();
                    res
                }
            });
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let mut tick = tokio::time::interval(Duration::from_secs(1).min(timeouts.idle));
            let mut closing = false;
            loop {
                tokio::select! {
                    res = conn.as_mut() => {
                        if let Err(e) = res {
                            tracing::debug!("connection ended: {e}");
                        }
                        break;
                    }
                    _ = tick.tick(), if !closing => {
                        if activity.idle_for().is_some_and(|d| d >= timeouts.idle) {
                            closing = true;
                            conn.as_mut().graceful_shutdown();
                        }
                    }
                    _ = stop.changed(), if !closing => {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    drop(listener);
    drop(stop_rx);
    let _ = stop_tx.send(true);
    if tokio::time::timeout(timeouts.shutdown_grace, stop_tx.closed())
        .await
        .is_err()
    {
        tracing::warn!("requests or WebSockets still open after the shutdown grace period");
    }
    Ok(())
}
