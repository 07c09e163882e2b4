//! The `mosaic` binary: parse the command line, init tracing, connect, migrate, serve.

mod cli;

/// mimalloc: a server's many short-lived allocations per request (rows, GraphQL values,
/// response buffers) cost about a third of the CPU under glibc malloc (BENCHMARKS.md).
/// (Not with the `system-alloc` feature, for heap profilers that intercept malloc.)
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;

use anyhow::Context;
use api::Databases;
use clap::Parser;
use cli::{Cli, Command, MigrateCommand, ServeArgs};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    no_transparent_huge_pages();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run())
}

/// Turns transparent huge pages off for this process (`PR_SET_THP_DISABLE`), first thing,
/// unless `MIMALLOC_ALLOW_THP` is set (mimalloc then follows it).
///
/// Where the kernel's THP setting is `always` (as on many distributions), it backs the
/// allocator's committed memory with 2 MiB pages, so a few live objects keep 2 MiB
/// resident: under 64 clients of nested pages the server's anonymous memory was 32–46 MB
/// with THP and 26 MB without, at the same throughput (BENCHMARKS.md, run 7). mimalloc
/// offers the same switch (`MIMALLOC_ALLOW_THP=0`); the server makes it the default.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none()
        && let Err(e) = nix::sys::prctl::set_thp_disable(true)
    {
        eprintln!("could not turn transparent huge pages off: {e}");
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        cli::LogFormat::Human => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        cli::LogFormat::Json => logs.json().with_current_span(true).init(),
    }

    match cli.command {
        Command::Schema => {
            print!("{}", api::schema::sdl());
            Ok(())
        }
        Command::Serve(args) => serve(&cli.db, *args).await,
        Command::Migrate(cmd) => migrate(&cli.db, cmd).await,
        Command::Token(cli::TokenCommand::Orquestra { user, hours }) => {
            mint_orquestra(&cli.db, &user, hours).await
        }
        Command::Seed(args) => seed(&cli.db, args).await,
    }
}

/// `mosaic seed`: the demo data, or scale data with `--scale`.
async fn seed(db: &cli::DbArgs, args: cli::SeedArgs) -> anyhow::Result<()> {
    let databases = Databases::connect(&db.config()).await?;
    databases.migrate_up().await?;
    let Some(scale) = args.scale else {
        api::demo::seed(&databases)
            .await
            .context("seeding demo data failed")?;
        println!("demo data in place");
        databases.close().await;
        return Ok(());
    };
    let options = api::scale::Options {
        scale,
        seed: args.seed,
        domains: cli::selected(args.domain),
        force: args.force,
    };
    let started = std::time::Instant::now();
    let result = api::scale::seed(&databases, &options).await;
    databases.close().await;
    let reports = result.context("seeding scale data failed")?;
    for report in &reports {
        println!(
            "{:<10} {:>10} rows  {:>8.1} s",
            report.domain.name(),
            report.rows(),
            report.elapsed.as_secs_f64()
        );
        for (table, rows) in &report.tables {
            println!("  {table:<26} {rows:>10}");
        }
    }
    let total: u64 = reports.iter().map(api::scale::DomainReport::rows).sum();
    println!(
        "scale {scale} (seed {}): {total} rows in {:.1} s",
        args.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The query the startup log offers a newcomer to paste into GraphiQL (it reads the demo
/// data).
const FIRST_QUERY: &str = "{ bellamyPosts(first: 3) { nodes { content author { username } } } }";

async fn serve(db: &cli::DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let mut options = args.http_options();
    options.persisted.only = args.trusted_documents()?;
    if let Some(manifest) = &options.persisted.only {
        tracing::info!(
            documents = manifest.len(),
            "trusted-documents mode: only the manifest's documents run"
        );
    }
    // Decided before connecting: connecting creates the database files.
    let demo = args.demo || (!args.no_demo && !args.no_migrate && db.fresh_data_dir());
    let mut config = db.config();
    // A request's SQL is cancelled on the server when the request times out.
    config.statement_timeout = Some(options.request_timeout);
    let databases = Databases::connect(&config).await?;
    if !args.no_migrate {
        databases.migrate_up().await?;
    }
    if demo {
        api::demo::seed(&databases)
            .await
            .context("seeding demo data failed")?;
        tracing::info!("demo data in place (--no-demo to start empty)");
    }
    let addr = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!("Mosaic listening on http://{local}");
    tracing::info!(
        "playground: open http://{local}/graphql in a browser and paste a first query:\n\n\
         {FIRST_QUERY}\n"
    );
    let tokens = db.tokens()?;
    let pruning = args
        .log_retention()
        .map(|retention| api::events::retention::spawn(databases.clone(), retention));
    let passwords = api::auth::password::Passwords::default();
    let router = api::http::router_with(databases.clone(), tokens, passwords, options);
    api::server::serve(listener, router, args.timeouts(), shutdown_signal()).await?;
    if let Some(pruning) = pruning {
        pruning.abort();
    }
    databases.close().await;
    tracing::info!("Mosaic stopped");
    Ok(())
}

/// Prints an access token for an existing Orquestra user.
async fn mint_orquestra(db: &cli::DbArgs, user: &str, hours: u64) -> anyhow::Result<()> {
    use sea_orm::EntityTrait;
    let tokens = db.tokens()?;
    let databases = Databases::connect(&db.config()).await?;
    let found = entity::orquestra::users::Entity::find_by_id(user.to_owned())
        .one(databases.orquestra())
        .await?;
    databases.close().await;
    anyhow::ensure!(found.is_some(), "no Orquestra user with id `{user}`");
    let issued = tokens
        .issue(
            entity::Domain::Orquestra,
            user,
            api::auth::TokenKind::Access,
            std::time::Duration::from_secs(hours.max(1) * 3600),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", issued.token);
    Ok(())
}

async fn migrate(db: &cli::DbArgs, cmd: MigrateCommand) -> anyhow::Result<()> {
    let databases = Databases::connect(&db.config()).await?;
    match cmd {
        MigrateCommand::Up { domain, steps } => {
            for d in cli::selected(domain) {
                migration::up(d, databases.get(d), steps)
                    .await
                    .with_context(|| format!("{d}: migrate up failed"))?;
                println!("{d}: up to date");
            }
        }
        MigrateCommand::Down { domain, steps, all } => {
            let steps = (!all).then_some(steps);
            for d in cli::selected(domain) {
                migration::down(d, databases.get(d), steps)
                    .await
                    .with_context(|| format!("{d}: migrate down failed"))?;
                match steps {
                    Some(n) => println!("{d}: rolled back up to {n} migration(s)"),
                    None => println!("{d}: rolled back every migration"),
                }
            }
        }
        MigrateCommand::Status { domain } => {
            for d in cli::selected(domain) {
                let states = migration::status(d, databases.get(d))
                    .await
                    .with_context(|| format!("{d}: cannot read migration status"))?;
                for s in states {
                    let state = if s.applied { "applied" } else { "pending" };
                    println!("{:<10} {:<45} {state}", d.name(), s.name);
                }
            }
        }
        MigrateCommand::Fresh { domain } => {
            for d in cli::selected(domain) {
                migration::fresh(d, databases.get(d))
                    .await
                    .with_context(|| format!("{d}: migrate fresh failed"))?;
                println!("{d}: recreated");
            }
        }
    }
    databases.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
