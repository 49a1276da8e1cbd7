//! Ctrl-C as one process-wide flag that every wait checks.
//!
//! Listening with `tokio::signal::ctrl_c()` only inside each wait has a hole:
//! once a handler is installed, a Ctrl-C that arrives *between* two waits (say
//! during the 409 wait-out after the feature wait finished) is swallowed and the
//! command keeps writing. So one listener, started with the runtime
//! ([`install`]), sets a flag that never clears, and:
//!
//! - every wait (LRO poll, registration poll, 409 wait-out, retry back-off, the
//!   HTTP call itself) races its sleep against [`interrupted`];
//! - no write is sent once [`is_interrupted`] is true (checked in the HTTP
//!   client, whatever the caller does), so "no write after Ctrl-C" holds even
//!   for code paths that forget to look.
//!
//! The command then ends with exit 130 and says what keeps running in Azure.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::LazyLock;
use std::time::Duration;
use tokio::sync::Notify;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Starts listening for Ctrl-C (SIGINT) in the current tokio runtime. The
/// handler is registered before this returns, so a Ctrl-C from now on is
/// never lost. Call inside the runtime's context.
pub fn install() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut sig = signal(SignalKind::interrupt())?;
        tokio::spawn(async move {
            while sig.recv().await.is_some() {
                trigger();
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async {
            while tokio::signal::ctrl_c().await.is_ok() {
                trigger();
            }
        });
    }
    Ok(())
}

/// Marks the process interrupted and wakes every waiter.
pub fn trigger() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    WAKE.notify_waiters();
}

/// True once Ctrl-C was pressed (it stays true).
pub fn is_interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Resolves when Ctrl-C is (or already was) pressed.
pub async fn interrupted() {
    loop {
        // Created before the check: `notify_waiters` wakes it even unpolled.
        let woken = WAKE.notified();
        if is_interrupted() {
            return;
        }
        woken.await;
    }
}

/// Sleeps `d` unless Ctrl-C comes first; returns false when interrupted.
pub async fn sleep(d: Duration) -> bool {
    tokio::select! {
        biased;
        _ = interrupted() => false,
        _ = tokio::time::sleep(d) => !is_interrupted(),
    }
}
