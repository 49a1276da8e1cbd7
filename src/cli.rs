//! The command-line surface (clap definitions) and nothing else: every flag, its
//! help text and examples. Commands live in [`crate::commands`]. The settings of
//! `cluster create` and `nodepool add` are not declared here: [`InputFlags`]
//! generates them from the field table ([`crate::core::fields`]) and parses them
//! into the core's typed [`ClusterInput`].

use crate::core::fields::{self, Raw, Slot};
use crate::core::preflight::{Checked, Findings};
use crate::core::{ClusterInput, Kind, Problem};
use crate::error::AppResult;
use crate::io::output::Format;
use clap::{Args, Parser, Subcommand};
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    a check found something (audit, scan --fail-on)
  2    invalid input or usage (nothing was sent)
  3    authentication failed
  4    Azure rejected the request, or the operation failed
  5    timed out waiting (the operation may still be running in Azure)
  130  interrupted (Ctrl-C)";

/// The top-level examples; the feature named is today's preview from the catalog.
fn top_examples() -> String {
    let feature = crate::core::catalog::example_feature();
    format!(
        "\
Examples:
  # try it without an Azure account, against the built-in sandbox
  aksos --sandbox feature register {feature} --wait --refresh-provider

  # questions, recommendation, plan, confirm, run: all in one
  aksos --sandbox wizard

  # which OS fits? (no Azure calls)
  aksos recommend --runs-on azure --secure-boot

  # a node pool on Azure Container Linux, plan only
  aksos --sandbox nodepool add -g rg1 --cluster prod1 -n acl1 --os-sku AzureContainerLinux --dry-run

  # register a preview feature on a real subscription and refresh the provider
  aksos feature register {feature} --wait --refresh-provider"
    )
}

#[derive(Debug, Parser)]
#[command(
    name = "aksos",
    version,
    about = "Get AKS clusters and node pools onto the right operating system, correctly, the first time.",
    long_about = None,
    after_help = format!("{}\n\n{EXIT_CODES}", top_examples()),
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (shown under their own heading in `--help`;
/// the Azure connection options are hidden from commands that never call Azure,
/// see [`command`]).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Subscription ID [default: the Azure CLI's default subscription]
    #[arg(long, global = true, env = "AZURE_SUBSCRIPTION_ID", value_name = "ID")]
    pub subscription: Option<String>,

    /// Set by `main` when `subscription` came from `AZURE_SUBSCRIPTION_ID`
    /// (so an invalid value is reported against its real source).
    #[arg(skip)]
    pub subscription_from_env: bool,

    /// Azure cloud: sets the ARM endpoint, the authority and the token audience
    #[arg(long, global = true, value_enum, default_value_t = Cloud::AzureCloud)]
    pub cloud: Cloud,

    /// Override the ARM base URL (https; http only for loopback hosts)
    #[arg(
        long,
        global = true,
        env = "AKSOS_ARM_ENDPOINT",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub arm_endpoint: Option<String>,

    /// How to get a token. auto: AKSOS_ACCESS_TOKEN, then environment service
    /// principal, workload identity, managed identity, Azure CLI, Azure Developer CLI
    #[arg(long, global = true, value_enum, default_value_t = AuthMode::Auto)]
    pub auth: AuthMode,

    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,

    /// Log requests (method, URL, status, duration, ids; never tokens) to stderr
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// No colour (also honoured: NO_COLOR)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Run against the built-in ARM sandbox (no Azure account needed; state persists
    /// between runs; `aksos sandbox --reset` clears it)
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// Longest time to wait for a registration or operation, e.g. 90s, 15m
    #[arg(
        long,
        global = true,
        value_parser = parse_duration,
        default_value = "30m",
        allow_hyphen_values = true
    )]
    pub timeout: Duration,
}

/// The ids of the options that only matter to commands that call Azure.
pub const AZURE_OPTIONS: [&str; 5] = ["subscription", "cloud", "arm_endpoint", "auth", "sandbox"];

/// Commands that never call Azure: their `--help` does not offer [`AZURE_OPTIONS`].
const OFFLINE_COMMANDS: [&str; 6] = [
    "recommend",
    "audit",
    "completions",
    "man",
    "export",
    "sandbox",
];

/// The full command definition, as `--help`, completions and the man page show
/// it: the derived one, with the Azure options hidden from offline commands.
pub fn command() -> clap::Command {
    /// Gives `c` and its subcommands their own hidden copy of each Azure
    /// option: clap then does not propagate the visible global one into them,
    /// and a value given there still reaches [`GlobalArgs`] (same id).
    fn hide_azure(mut c: clap::Command, hidden: &[clap::Arg]) -> clap::Command {
        for a in hidden {
            c = c.arg(a.clone());
        }
        let subs: Vec<String> = c
            .get_subcommands()
            .map(|s| s.get_name().to_string())
            .collect();
        for name in subs {
            c = c.mut_subcommand(name, |sc| hide_azure(sc, hidden));
        }
        c
    }
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| AZURE_OPTIONS.contains(&a.get_id().as_str()))
        .map(|a| a.clone().global(false).hide(true))
        .collect();
    for name in OFFLINE_COMMANDS {
        cmd = cmd.mut_subcommand(name, |sc| hide_azure(sc, &hidden));
    }
    cmd
}

/// Parses the process arguments with [`command`].
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

/// Parses the process arguments with [`command`], keeping the matches (so the
/// caller can ask where a value came from: flag, environment, default).
pub fn parse_with_matches() -> Result<(Cli, clap::ArgMatches), clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches()?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command()))?;
    Ok((cli, matches))
}

/// Parses `args` (the program name first) with [`command`].
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches;
    let mut matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command()))
}

/// A `--timeout`: whole seconds or a humantime duration, more than zero (a
/// zero deadline would give up before the first request).
fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.trim_start().starts_with('-') {
        return Err(format!(
            "`{s}` is negative; give how long to wait, e.g. 90s, 15m, 1h"
        ));
    }
    let d = match s.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            humantime::parse_duration(s).map_err(|e| format!("{e} (use e.g. 90s, 15m, 1h)"))?
        }
    };
    if d.is_zero() {
        return Err("must be more than 0 (use e.g. 90s, 15m, 1h)".into());
    }
    Ok(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cloud {
    #[value(name = "AzureCloud", alias = "azurecloud")]
    AzureCloud,
    #[value(name = "AzureUSGovernment", alias = "azureusgovernment")]
    AzureUsGovernment,
    #[value(name = "AzureChinaCloud", alias = "azurechinacloud")]
    AzureChinaCloud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthMode {
    Auto,
    Cli,
    Env,
    ManagedIdentity,
    WorkloadIdentity,
    Token,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show, register or unregister preview features (Microsoft.Features)
    #[command(
        subcommand,
        after_help = format!("\
Examples:
  aksos feature register {f} --wait --refresh-provider
  aksos feature show {f}
  aksos feature list -o json", f = crate::core::catalog::example_feature())
    )]
    Feature(FeatureCommand),
    /// Show or register a resource provider (default Microsoft.ContainerService)
    #[command(
        subcommand,
        after_help = "\
Examples:
  aksos provider show
  aksos provider register --wait     # re-register so AKS honours new features"
    )]
    Provider(ProviderCommand),
    /// Create an AKS cluster on a chosen OS (registers the feature it needs first)
    #[command(
        subcommand,
        after_help = "\
Examples:
  aksos cluster create -g rg1 -n prod1 -l eastus --os-sku AzureContainerLinux
  aksos cluster create -g rg1 -n edge -l westeurope --os-sku Ubuntu2604 --dry-run
  aksos cluster show -g rg1 -n prod1 -o json"
    )]
    Cluster(ClusterCommand),
    /// Add a node pool on a chosen OS to a cluster, or show/list pools
    #[command(
        subcommand,
        after_help = "\
Examples:
  aksos nodepool add -g rg1 --cluster prod1 -n acl1 --os-sku AzureContainerLinux
  aksos nodepool list -g rg1 --cluster prod1
  aksos nodepool show -g rg1 --cluster prod1 -n acl1 -o json"
    )]
    Nodepool(NodepoolCommand),
    /// Find node pools on retired or retiring OSes across a subscription
    Scan(ScanArgs),
    /// Move a node pool to another OS (default: its successor), in place or via a new pool
    Migrate(MigrateArgs),
    /// Recommend an OS for your node pools from a few answers (no Azure calls)
    Recommend(crate::cmd::recommend::RecommendArgs),
    /// Find workloads in Kubernetes manifests that break on an immutable OS
    Audit(crate::cmd::audit::AuditArgs),
    /// Run the local ARM emulator in the foreground
    Sandbox(SandboxArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  aksos completions bash > ~/.local/share/bash-completion/completions/aksos\n  aksos completions zsh > \"${fpath[1]}/_aksos\"\n  aksos completions fish > ~/.config/fish/completions/aksos.fish"
    )]
    Completions {
        /// Target shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from the same definitions as --help
    #[command(after_help = "Example:\n  aksos man > /usr/local/share/man/man1/aksos.1")]
    Man,
    /// Ask a few questions, recommend an OS, then create a cluster or add a node pool
    Wizard(WizardArgs),
    /// Write the cluster or node pool as Bicep, Terraform, an ARM template or an az script (no Azure calls)
    #[command(
        subcommand,
        after_help = "\
Examples:
  aksos export cluster --format terraform -g rg1 -n prod1 -l eastus --os-sku AzureContainerLinux
  aksos export nodepool --format bicep -g rg1 --cluster prod1 -n acl1 --os-sku AzureContainerLinux --out pool.bicep"
    )]
    Export(ExportCommand),
    /// Create the clusters and node pools a YAML file declares (idempotent)
    Apply(ApplyArgs),
}

/// Output formats of `aksos export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Bicep module
    Bicep,
    /// Terraform (azapi: the resource, and the feature registration as POST actions)
    Terraform,
    /// ARM deployment template (JSON)
    Arm,
    /// bash script of az commands
    Az,
}

/// Where `aksos export` writes.
#[derive(Debug, Args, Clone)]
pub struct ExportOutput {
    /// Output format
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to FILE instead of stdout (an existing file needs --force)
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Overwrite FILE given with --out
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum ExportCommand {
    /// Export what `aksos cluster create` would create (same flags, same preflight)
    #[command(after_help = "\
Examples:
  aksos export cluster --format terraform -g rg1 -n prod1 -l eastus --os-sku AzureContainerLinux
  aksos export cluster --format az -g rg1 -n edge -l westeurope --os-sku Ubuntu2604 --out create.sh

No Azure calls: without --kubernetes-version the version is left out and AKS picks
its default (the output says so). Where the OS needs a preview feature, the
Terraform and az outputs register it and refresh the provider before the create;
Bicep and ARM outputs say how to, first. Every value is escaped for the format;
--out writes atomically and never through a symbolic link.")]
    Cluster(ExportClusterArgs),
    /// Export what `aksos nodepool add` would create (same flags, same preflight)
    #[command(after_help = "\
Examples:
  aksos export nodepool --format bicep -g rg1 --cluster prod1 -n guard --os-sku AzureLinuxOSGuard
  aksos export nodepool --format arm -g rg1 --cluster prod1 -n u26 --os-sku Ubuntu2604 --out pool.json")]
    Nodepool(ExportNodepoolArgs),
}

#[derive(Debug, Args)]
pub struct ExportClusterArgs {
    #[command(flatten)]
    pub output: ExportOutput,
    #[command(flatten)]
    pub create: ClusterCreateArgs,
}

#[derive(Debug, Args)]
pub struct ExportNodepoolArgs {
    #[command(flatten)]
    pub output: ExportOutput,
    #[command(flatten)]
    pub add: NodepoolAddArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  aksos apply -f clusters.yaml --dry-run
  aksos apply -f clusters.yaml --parallel 8 -o json

The whole file is checked first (every problem at once, with its path, e.g.
clusters[2].nodePools[0].osSku; exit 2 and nothing sent). Then each preview
feature the file needs is registered once and the provider refreshed once;
clusters are created in parallel, the pools of one cluster one after another.
Existing resources that match are left alone (\"up to date\"); differences are
shown, never applied. Exit 4 when any cluster or pool failed.
A commented example: templates/apply-example.yaml (`aksos apply --example`).")]
pub struct ApplyArgs {
    /// The YAML file declaring clusters and node pools (or - for stdin; at most 16 MiB)
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        required_unless_present = "example"
    )]
    pub file: Option<std::path::PathBuf>,
    /// Print the plan; send only reads
    #[arg(long)]
    pub dry_run: bool,
    /// Clusters worked on at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    /// Print a commented example file and exit
    #[arg(long)]
    pub example: bool,
    /// Send without first checking VM sizes, zones and quota against the regions
    #[arg(long)]
    pub skip_capability_checks: bool,
}

#[derive(Debug, Args, Default)]
#[command(after_help = "\
Examples:
  aksos --sandbox wizard     # try it without an Azure account
  aksos wizard               # against the subscription of `az account show`

The wizard asks what the nodes need, shows the recommendation with its reasons,
then asks for the cluster or node pool (names, region, Kubernetes version, VM
size, count), prints the plan with the exact requests and asks before sending
anything. Esc or Ctrl-C at a prompt stops with nothing sent (exit 130). At the
end it prints the equivalent `aksos cluster create` / `aksos nodepool add`
command for scripts. It needs a terminal; scripts use `aksos recommend`,
`aksos cluster create` and `aksos nodepool add`.")]
pub struct WizardArgs {}

#[derive(Debug, Subcommand)]
pub enum FeatureCommand {
    /// Show a feature's registration state
    #[command(after_help = format!("Example:\n  aksos feature show {}", crate::core::catalog::example_feature()))]
    Show(FeatureArgs),
    /// Register a feature; with --wait, poll until Registered
    #[command(after_help = format!("\
Examples:
  aksos feature register {f} --wait --refresh-provider
  aksos feature register {f} --wait --timeout 20m

A feature that is already Registered is reported and not registered again.
After a registration, AKS only honours the feature once the provider is
re-registered: --refresh-provider does it, or run `aksos provider register --wait`.", f = crate::core::catalog::example_feature()))]
    Register(FeatureRegisterArgs),
    /// Unregister a feature
    #[command(after_help = format!("Example:\n  aksos feature unregister {}", crate::core::catalog::example_feature()))]
    Unregister(FeatureArgs),
    /// List the features of a namespace and their states
    #[command(after_help = "Examples:\n  aksos feature list\n  aksos feature list -o json")]
    List(FeatureListArgs),
}

#[derive(Debug, Args)]
pub struct FeatureArgs {
    /// Feature name (`aksos feature list` shows them)
    pub name: String,
    /// Resource provider namespace of the feature
    #[arg(long, default_value = crate::core::catalog::FEATURE_NAMESPACE)]
    pub namespace: String,
}

#[derive(Debug, Args)]
pub struct FeatureRegisterArgs {
    #[command(flatten)]
    pub feature: FeatureArgs,
    /// Wait until the feature is Registered (bounded by --timeout)
    #[arg(long)]
    pub wait: bool,
    /// After it is Registered, re-register the provider and wait for it
    #[arg(long)]
    pub refresh_provider: bool,
}

#[derive(Debug, Args)]
pub struct FeatureListArgs {
    /// Resource provider namespace
    #[arg(long, default_value = crate::core::catalog::FEATURE_NAMESPACE)]
    pub namespace: String,
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Show a provider's registration state
    #[command(after_help = "Example:\n  aksos provider show Microsoft.ContainerService")]
    Show(ProviderArgs),
    /// Register (or re-register, to pick up new features) a provider
    #[command(after_help = "Example:\n  aksos provider register --wait")]
    Register(ProviderRegisterArgs),
}

#[derive(Debug, Args)]
pub struct ProviderArgs {
    /// Resource provider namespace
    #[arg(default_value = crate::core::catalog::PROVIDER_NAMESPACE)]
    pub namespace: String,
}

#[derive(Debug, Args)]
pub struct ProviderRegisterArgs {
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Wait until the provider is Registered (bounded by --timeout)
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  aksos sandbox --port 8080
  aksos sandbox --faults 'throttle=3,delay=200ms'
  aksos sandbox --reset

Point any command at it with --arm-endpoint http://127.0.0.1:PORT and
AKSOS_ACCESS_TOKEN=anything, or use the global --sandbox flag instead.

Fault SPEC (comma-separated): throttle=N (N 429s first, Retry-After 1),
error=N (N 503s), html=N (N proxy HTML pages), malformed=N (N broken JSON
bodies), reset=N (N connections reset mid-body), expire-after=N (401 after N
requests), conflict=N (N 409s), fail-lro (operations end Failed), cancel-lro,
stuck (registrations never finish), delay=DURATION (added latency),
op-delay=DURATION (operation length), op-retry-after=S (Retry-After on AKS operations; Azure sends none),
reg-delay=DURATION (feature registration length)")]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// State file to load and save (default: the sandbox state in the user's state dir)
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
    /// Faults to inject, e.g. throttle=3,error=1,fail-lro,stuck,delay=100ms
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Clear the sandbox state and exit
    #[arg(long)]
    pub reset: bool,
}

/// Flags shared by every command that writes.
#[derive(Debug, Args, Clone, Default)]
pub struct WriteFlags {
    /// Print the plan and the exact requests; send only reads
    #[arg(long)]
    pub dry_run: bool,
    /// Return once Azure accepted the request; print how to check on it
    #[arg(long)]
    pub no_wait: bool,
    /// Do not ask for confirmation (nothing is ever asked off a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Do not read the region's VM sizes and quota first (air-gapped endpoints,
    /// identities without Microsoft.Compute read access): Azure judges them itself
    #[arg(long)]
    pub skip_capability_checks: bool,
}

/// The settings of `cluster create` (`K = false`) or `nodepool add` (`K = true`):
/// flags generated from the field table ([`crate::core::fields`]), so each is
/// defined once, with its help text. Parsing fills a typed [`ClusterInput`];
/// values the table's parser refuses are kept as [`Problem`]s and reported with
/// preflight's, all at once.
#[derive(Debug, Clone, Default)]
pub struct InputFlags<const POOL: bool> {
    pub input: ClusterInput,
    pub problems: Vec<Problem>,
}

/// `cluster create`'s settings.
pub type ClusterFlags = InputFlags<false>;
/// `nodepool add`'s settings.
pub type PoolFlags = InputFlags<true>;

impl<const POOL: bool> InputFlags<POOL> {
    /// Which command's spelling of the fields these flags use.
    pub const KIND: Kind = if POOL { Kind::Pool } else { Kind::Cluster };

    /// Runs `preflight` on the input; every problem named by its flag.
    pub fn check<T>(&self, preflight: fn(&ClusterInput) -> Checked<T>) -> AppResult<(T, Findings)> {
        let found = preflight(&self.input);
        if self.problems.is_empty() {
            if let Ok(ok) = found {
                return Ok(ok);
            }
        }
        let mut all = self.problems.clone();
        all.extend(found.err().unwrap_or_default());
        Err(crate::core::problems_error(all, |f| {
            fields::flag(Self::KIND, f)
        }))
    }
}

impl<const POOL: bool> clap::FromArgMatches for InputFlags<POOL> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Self::default();
        flags.update_from_arg_matches(m)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        for d in fields::FIELDS {
            let Some(flag) = d.flag(Self::KIND) else {
                continue;
            };
            let id = flag.long;
            let raw = match d.slot {
                Slot::Switch(_) => m.get_flag(id).then_some(Raw::Switch(true)),
                Slot::Text(_) | Slot::Int(_) => m.get_one::<String>(id).cloned().map(Raw::Text),
                Slot::Pairs(_) | Slot::List(_) | Slot::Lines(_) => m
                    .get_many::<String>(id)
                    .map(|v| Raw::List(v.cloned().collect())),
            };
            if let Some(raw) = raw {
                if let Err(message) = fields::set(&mut self.input, d.field, raw) {
                    self.problems.push(Problem::new(d.field, message));
                }
            }
        }
        Ok(())
    }
}

impl<const POOL: bool> clap::Args for InputFlags<POOL> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        table_args(cmd, Self::KIND)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        table_args(cmd, Self::KIND)
    }
}

/// The flags of `kind`'s command, one per table entry that offers one.
fn table_args(mut cmd: clap::Command, kind: Kind) -> clap::Command {
    use clap::{Arg, ArgAction};
    for d in fields::FIELDS {
        let Some(flag) = d.flag(kind) else {
            continue;
        };
        let mut arg = Arg::new(flag.long).long(flag.long).help((d.help)(kind));
        if let Some(c) = flag.short {
            arg = arg.short(c);
        }
        if let Some(alias) = flag.alias {
            arg = arg.alias(alias);
        }
        arg = match d.slot {
            Slot::Switch(_) => arg.action(ArgAction::SetTrue),
            Slot::Text(_) | Slot::Int(_) => arg
                .value_name(d.value_name)
                .action(ArgAction::Set)
                .allow_negative_numbers(true),
            Slot::Pairs(_) | Slot::List(_) => arg
                .value_name(d.value_name)
                .num_args(1..)
                .action(ArgAction::Append),
            Slot::Lines(_) => arg
                .value_name(d.value_name)
                .num_args(1)
                .allow_hyphen_values(true)
                .action(ArgAction::Append),
        };
        if !d.choices.is_empty() {
            // As az does, any case is accepted (`--tier standard`); the API's
            // own spelling is what the request carries.
            let choices = d.choices;
            arg = arg
                .ignore_case(true)
                .value_parser(clap::builder::TypedValueParser::map(
                    clap::builder::PossibleValuesParser::new(choices),
                    move |v: String| {
                        choices
                            .iter()
                            .find(|c| c.eq_ignore_ascii_case(&v))
                            .map_or(v, |c| c.to_string())
                    },
                ));
        }
        cmd = cmd.arg(arg);
    }
    cmd
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum ClusterCommand {
    /// Create a cluster whose system pool runs the chosen OS
    #[command(after_help = "\
Examples:
  aksos cluster create -g rg1 -n prod1 -l eastus --os-sku AzureContainerLinux
  aksos cluster create -g rg1 -n edge -l westeurope --os-sku Ubuntu2604 --dry-run

What happens: GET the cluster (an existing one is never overwritten), register
the OS's preview feature and refresh the provider when needed, then PUT the
cluster with every setting the OS requires (e.g. Secure Boot + vTPM), and wait.")]
    Create(ClusterCreateArgs),
    /// Show a cluster
    #[command(
        after_help = "Examples:\n  aksos cluster show -g rg1 -n prod1\n  aksos cluster show -g rg1 -n prod1 -o json"
    )]
    Show(ClusterShowArgs),
}

#[derive(Debug, Args)]
pub struct ClusterCreateArgs {
    #[command(flatten)]
    pub fields: ClusterFlags,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args)]
pub struct ClusterShowArgs {
    #[arg(short = 'g', long)]
    pub resource_group: String,
    #[arg(short = 'n', long)]
    pub name: String,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum NodepoolCommand {
    /// Add a node pool running the chosen OS
    #[command(after_help = "\
Examples:
  aksos nodepool add -g rg1 --cluster prod1 -n acl1 --os-sku AzureContainerLinux
  aksos nodepool add -g rg1 --cluster prod1 -n u26 --os-sku Ubuntu2604 --mode User --dry-run

What happens: GET the cluster and pool (an existing pool is never overwritten),
check the cluster suits the OS (Kubernetes version, node OS upgrade channel),
register the OS's preview feature and refresh the provider when needed, then
PUT the pool with every setting the OS requires, and wait.")]
    Add(NodepoolAddArgs),
    /// Show a node pool
    #[command(
        after_help = "Example:\n  aksos nodepool show -g rg1 --cluster prod1 -n acl1 -o json"
    )]
    Show(NodepoolShowArgs),
    /// List the node pools of a cluster
    #[command(after_help = "Example:\n  aksos nodepool list -g rg1 --cluster prod1")]
    List(NodepoolListArgs),
}

#[derive(Debug, Args)]
pub struct NodepoolAddArgs {
    #[command(flatten)]
    pub fields: PoolFlags,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args)]
pub struct NodepoolShowArgs {
    #[arg(short = 'g', long)]
    pub resource_group: String,
    #[arg(long)]
    pub cluster: String,
    #[arg(short = 'n', long)]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct NodepoolListArgs {
    #[arg(short = 'g', long)]
    pub resource_group: String,
    #[arg(long)]
    pub cluster: String,
}

/// `--fail-on` levels of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Retiring,
    Retired,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  aksos scan
  aksos scan -g rg1 -o json
  aksos scan --fail-on retired        # exit 1 in CI when a pool is on a retired OS

Verdicts come from the OS catalog: ok, retiring (date, days left, successor),
retired (date, what no longer works, successor) or unknown-sku (shown as is).")]
pub struct ScanArgs {
    /// Only this resource group
    #[arg(short = 'g', long)]
    pub resource_group: Option<String>,
    /// Only this cluster (needs or narrows -g)
    #[arg(long)]
    pub cluster: Option<String>,
    /// Exit 1 when a pool at or above this level exists
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub tenant: TenantScope,
}

/// The tenant-wide scopes of `scan` (through Azure Resource Graph).
#[derive(Debug, Args, Clone, Default)]
#[group(multiple = false, conflicts_with_all = ["resource_group", "cluster"])]
pub struct TenantScope {
    /// Every subscription the identity can read (one Azure Resource Graph query)
    #[arg(long)]
    pub all_subscriptions: bool,
    /// These subscriptions (comma-separated IDs), through Azure Resource Graph
    #[arg(long, value_name = "ID,ID", value_delimiter = ',', num_args = 1..)]
    pub subscriptions: Vec<String>,
    /// Every subscription under this management group, through Azure Resource Graph
    #[arg(long, value_name = "MG")]
    pub management_group: Option<String>,
}

impl TenantScope {
    /// Whether a tenant-wide scope was asked for.
    pub fn is_set(&self) -> bool {
        self.all_subscriptions || !self.subscriptions.is_empty() || self.management_group.is_some()
    }
}

/// `--only` of `migrate --from-scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnlyLevel {
    Retiring,
    Retired,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  aksos migrate -g rg1 --cluster prod1 --pool flatpool
  aksos migrate -g rg1 --cluster prod1 --pool guard --delete-old --yes
  aksos migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux --dry-run

Strategy auto migrates in place where AKS supports it from the pool's OS to the
target (e.g. Ubuntu → Azure Container Linux); otherwise it creates a new pool
that mirrors the old one (VM size, count or autoscaler bounds, mode, labels,
taints, zones, max pods, subnet) plus the target's required settings, waits for
it, and prints the kubectl commands that drain the old pool. The old pool is
deleted only with --delete-old, after the new pool Succeeded, and never when it
is the cluster's last System pool.")]
pub struct MigrateArgs {
    /// Resource group
    #[arg(short = 'g', long, required_unless_present = "from_scan")]
    pub resource_group: Option<String>,
    /// Cluster name
    #[arg(long, required_unless_present = "from_scan")]
    pub cluster: Option<String>,
    /// The pool to move
    #[arg(long, required_unless_present = "from_scan")]
    pub pool: Option<String>,
    /// Migrate every retired or retiring pool a saved `aksos scan -o json` lists
    #[arg(long, value_name = "FILE", conflicts_with_all = ["resource_group", "cluster", "pool", "to", "new_pool", "delete_old"])]
    pub from_scan: Option<std::path::PathBuf>,
    /// With --from-scan: only pools at this level
    #[arg(long, value_enum, requires = "from_scan")]
    pub only: Option<OnlyLevel>,
    /// With --from-scan: clusters worked on at once (one operation per cluster at a time)
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
    /// Target OS SKU [default: the catalog's successor of the pool's OS]
    #[arg(long, value_name = "SKU")]
    pub to: Option<String>,
    /// Name of the new pool [default: derived from the old one]
    #[arg(long, value_name = "NAME")]
    pub new_pool: Option<String>,
    /// How to move the pool
    #[arg(long, value_enum, default_value_t = crate::core::migrate::Strategy::Auto)]
    pub strategy: crate::core::migrate::Strategy,
    /// Delete the old pool once the new one Succeeded (asks first on a terminal; --yes elsewhere)
    #[arg(long)]
    pub delete_old: bool,
    #[command(flatten)]
    pub write: WriteFlags,
}

/// The flags are generated from the field table: what the table writes as an
/// equivalent command, these flags read back to the same input.
#[cfg(test)]
mod generated_flags_tests {
    use super::ClusterFlags;
    use crate::core::fields::{command_words, set, Raw};
    use crate::core::input::{ClusterInput, Field, Kind};

    /// The wizard's equivalent command carries the production settings, with
    /// az's flag names, and reads back to the same input.
    #[test]
    fn the_equivalent_command_carries_production_settings() {
        use clap::Args;
        let mut c = ClusterInput::default();
        let given: &[(Field, Raw)] = &[
            (Field::Zones, Raw::List(vec!["1".into(), "2".into()])),
            (Field::EnableClusterAutoscaler, Raw::Switch(true)),
            (Field::MinCount, Raw::Text("1".into())),
            (Field::MaxCount, Raw::Text("5".into())),
            (Field::SpotMaxPrice, Raw::Text("-1".into())),
            (Field::NetworkPluginMode, Raw::Text("overlay".into())),
            (Field::EnableAad, Raw::Switch(true)),
            (Field::Tier, Raw::Text("Standard".into())),
        ];
        for (f, raw) in given {
            set(&mut c, *f, raw.clone()).unwrap();
        }
        assert!(set(&mut c, Field::Tier, Raw::Text("Gold".into())).is_err());
        let words = command_words(Kind::Cluster, &c).join(" ");
        for part in [
            "--zones 1 2",
            "--enable-cluster-autoscaler",
            "--min-count 1",
            "--max-count 5",
            "--spot-max-price -1",
            "--network-plugin-mode overlay",
            "--enable-aad",
            "--tier Standard",
        ] {
            assert!(words.contains(part), "{part}: {words}");
        }
        // Through the generated flags, the words give the same input back.
        let cmd = ClusterFlags::augment_args(clap::Command::new("t"));
        let mut argv = vec!["t".to_string()];
        argv.extend(command_words(Kind::Cluster, &c));
        let m = cmd.try_get_matches_from(argv).unwrap();
        let back = <ClusterFlags as clap::FromArgMatches>::from_arg_matches(&m).unwrap();
        assert!(back.problems.is_empty(), "{:?}", back.problems);
        assert_eq!(back.input, c);
    }

    /// As az does, enum values take any case and the request carries the
    /// API's spelling.
    #[test]
    fn enum_values_take_any_case_and_keep_the_apis_spelling() {
        use clap::Args;
        let cmd = ClusterFlags::augment_args(clap::Command::new("t"));
        let m = cmd
            .try_get_matches_from(["t", "--tier", "standard", "--network-plugin", "AZURE"])
            .unwrap();
        let back = <ClusterFlags as clap::FromArgMatches>::from_arg_matches(&m).unwrap();
        let words = command_words(Kind::Cluster, &back.input).join(" ");
        assert!(words.contains("--tier Standard"), "{words}");
        assert!(words.contains("--network-plugin azure"), "{words}");
    }
}
