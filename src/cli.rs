//! Command-line arguments (clap), Italian all the way: option names (the English ones
//! of earlier versions stay as hidden aliases), help headings, usage lines and clap's
//! own errors ([`Italian`], from the error's kind and context, never from its English
//! text).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "piao",
    version,
    about = "Genera in PDF l'allegato di variazione del PIAO (Piano Integrato di Attività e Organizzazione) a partire dai file TOML in content/.",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Non stampa il riepilogo (solo errori e avvisi).
    #[arg(long = "silenzioso", alias = "quiet", short, global = true)]
    pub quiet: bool,
}

/// What the commands that check or build read (see [`crate::job::Input`]).
#[derive(Args, Debug, Clone)]
pub struct ContentArg {
    #[command(flatten)]
    pub folder: ContentDirArg,
    /// Considera errori anche gli avvisi.
    #[arg(long = "rigoroso", alias = "strict")]
    pub strict: bool,
    /// Cartella dei modelli da usare al posto di quelli incorporati (per chi li sviluppa).
    #[arg(long = "modelli", alias = "templates", value_name = "CARTELLA")]
    pub templates: Option<PathBuf>,
}

/// Format of the open-data export.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// JSON con schema versionato (docs/variazioni.schema.json).
    Json,
    /// CSV UTF-8 (RFC 4180), una riga per modifica.
    Csv,
    /// Foglio di calcolo Excel (.xlsx), una riga per modifica.
    Xlsx,
}

/// Which copy to build.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileArg {
    /// L'allegato completo, per la Giunta.
    Completo,
    /// La copia per l'albo pretorio: nomi del personale omessi.
    Albo,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Genera l'allegato completo in PDF.
    Build {
        #[command(flatten)]
        content: ContentArg,
        /// File PDF da scrivere (predefinito: output/<titolo>.pdf).
        #[arg(long = "uscita", alias = "output", short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Copia da generare: completo (per la Giunta) o albo (per la pubblicazione).
        #[arg(long, value_name = "COPIA", value_enum, default_value = "completo")]
        profilo: ProfileArg,
    },
    /// Controlla i contenuti senza generare nulla (esce con 0 se non ci sono errori, 1 se ce ne sono).
    Check {
        #[command(flatten)]
        content: ContentArg,
    },
    /// Genera l'anteprima di un solo obiettivo (la sua richiesta e la sua scheda).
    Preview {
        /// L'obiettivo: percorso del suo file TOML, nome breve (g24, i16) o nome del file.
        obiettivo: String,
        #[command(flatten)]
        content: ContentArg,
        /// File PDF da scrivere (predefinito: output/anteprima-<nome>.pdf).
        #[arg(long = "uscita", alias = "output", short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Scrive anche un'immagine PNG per pagina in questa cartella (pagina-1.png, …).
        #[arg(long, value_name = "CARTELLA")]
        png: Option<PathBuf>,
    },
    /// Esporta le variazioni come dati aperti (una riga per modifica), in JSON, CSV o Excel.
    Export {
        #[command(flatten)]
        content: ContentArg,
        /// Formato: json o csv.
        #[arg(long = "formato", alias = "format", value_name = "FORMATO", value_enum)]
        format: ExportFormat,
        /// File da scrivere (predefinito: lo standard output).
        #[arg(long = "uscita", alias = "output", short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Scrive i sorgenti Typst generati (main.typ e i file che importa) in una cartella.
    Typst {
        #[command(flatten)]
        content: ContentArg,
        /// Cartella in cui scrivere i sorgenti.
        #[arg(long = "uscita", alias = "output", short, value_name = "CARTELLA")]
        output: PathBuf,
        /// Un solo obiettivo (come per preview).
        #[arg(long, value_name = "OBIETTIVO")]
        obiettivo: Option<String>,
    },
    /// Rigenera il PDF a ogni modifica dei contenuti (o dei modelli, con --modelli) finché non premi Ctrl-C.
    Watch {
        /// Un solo obiettivo da seguire, come per preview (senza: l'allegato intero).
        obiettivo: Option<String>,
        #[command(flatten)]
        content: ContentArg,
        /// File PDF da scrivere (predefinito: come build, o come preview con un obiettivo).
        #[arg(long = "uscita", alias = "output", short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Mostra l'allegato nel browser e lo aggiorna a ogni salvataggio dei contenuti (Ctrl-C per uscire).
    Serve {
        #[command(flatten)]
        content: ContentArg,
        /// Porta su cui ascoltare (predefinita: 3000, o la prima libera dopo; 0: una porta libera qualsiasi).
        #[arg(long, value_name = "N", value_parser = port)]
        porta: Option<u16>,
        /// Indirizzo su cui ascoltare: il predefinito 127.0.0.1 è raggiungibile solo da questo computer.
        #[arg(long, value_name = "INDIRIZZO", default_value = "127.0.0.1", value_parser = address)]
        indirizzo: std::net::IpAddr,
        /// Apre la pagina nel browser predefinito.
        #[arg(long)]
        apri: bool,
    },
    /// Crea una cartella di contenuti nuova: allegato.toml, organizzazione.toml, gestionali/, istituzionali/.
    Init {
        /// La cartella da creare (predefinita: content); non deve contenere già i file dei contenuti.
        #[arg(value_name = "CARTELLA")]
        cartella: Option<PathBuf>,
        /// Il nome dell'ente, come va stampato sul frontespizio (es. "Comune di Valbruna").
        #[arg(long, value_name = "NOME")]
        ente: Option<String>,
        /// Il primo anno del piano (es. 2025).
        #[arg(long, value_name = "ANNO", value_parser = year)]
        anno_inizio: Option<i32>,
        /// L'ultimo anno del piano (es. 2027).
        #[arg(long, value_name = "ANNO", value_parser = year)]
        anno_fine: Option<i32>,
    },
    /// Crea il file TOML di un nuovo obiettivo, con tutti i campi da compilare e commentati.
    New {
        /// Il tipo di obiettivo: gestionale o istituzionale.
        #[arg(value_enum)]
        tipo: NewKind,
        /// N. scheda (predefinito: il primo numero dopo quelli già usati).
        #[arg(long, value_name = "N", value_parser = positive)]
        numero: Option<u32>,
        /// Titolo dell'obiettivo (o nome del servizio); dà anche il nome al file.
        #[arg(long, value_name = "TESTO")]
        titolo: Option<String>,
        /// Sezione dell'obiettivo: se è in organizzazione.toml, la scheda ne prende
        /// direzione, dirigente, responsabile e assessore.
        #[arg(long, value_name = "NOME")]
        sezione: Option<String>,
        #[command(flatten)]
        content: ContentDirArg,
    },
    /// Elenca gli obiettivi dei contenuti: tipo, n. scheda, titolo, azione, numero di modifiche, file.
    List {
        #[command(flatten)]
        content: ContentDirArg,
    },
    /// Scrive gli schemi JSON dei file dei contenuti, per gli editor (Taplo / Even Better TOML).
    Schema {
        /// Cartella in cui scrivere gli schemi.
        #[arg(
            long = "uscita",
            alias = "output",
            short,
            value_name = "CARTELLA",
            default_value = "schema"
        )]
        output: PathBuf,
    },
}

/// The content folder alone, for commands that neither check nor build.
#[derive(Args, Debug, Clone)]
pub struct ContentDirArg {
    /// Cartella dei contenuti (allegato.toml, gestionali/, istituzionali/).
    #[arg(
        long = "contenuti",
        alias = "content",
        value_name = "CARTELLA",
        default_value = "content"
    )]
    pub content: PathBuf,
}

/// Which kind of objective `piao new` creates.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// Un obiettivo gestionale (in gestionali/).
    Gestionale,
    /// Un obiettivo istituzionale, cioè un servizio (in istituzionali/).
    Istituzionale,
}

/// `--porta`: a TCP port.
fn port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse()
        .map_err(|_| "serve un numero di porta da 0 a 65535, per esempio 8080".to_string())
}

/// `--indirizzo`: an IP address.
fn address(s: &str) -> Result<std::net::IpAddr, String> {
    s.trim().parse().map_err(|_| {
        "serve un indirizzo IP: 127.0.0.1 (solo questo computer, il predefinito), ::1, oppure l'indirizzo di questo computer nella rete (es. 192.168.1.20)".to_string()
    })
}

/// `--numero`: a positive whole number.
fn positive(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("serve un numero intero positivo, per esempio 25".to_string()),
    }
}

/// `--anno-inizio`, `--anno-fine`: a year of four digits.
pub fn year(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => Ok(y),
        _ => Err("serve un anno di quattro cifre, per esempio 2025".to_string()),
    }
}

/// Heading of the positional arguments in the help.
const ARGUMENTS: &str = "Argomenti";
/// Heading of the options in the help.
const OPTIONS: &str = "Opzioni";
/// The help of every command: clap's layout with Italian headings.
const TEMPLATE: &str = "{before-help}{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}";

/// The command line, as clap parses it, in Italian: see [`italian`].
pub fn command() -> clap::Command {
    let cmd = Cli::command().disable_version_flag(true).arg(
        Arg::new("versione")
            .short('V')
            .long("versione")
            .alias("version")
            .action(ArgAction::Version)
            .help("Mostra la versione"),
    );
    italian(cmd, "piao")
}

/// One command and its subcommands in Italian: help and version flags with Italian
/// words, headings (Argomenti, Opzioni, Comandi), defaults and accepted values said in
/// the help text instead of clap's English brackets, and an Italian usage line.
fn italian(cmd: clap::Command, path: &str) -> clap::Command {
    // The options that must be given come first, by name, as clap's own usage has them.
    let mut usage = path.to_string();
    for a in cmd.get_opts().filter(|a| a.is_required_set()) {
        if let Some(long) = a.get_long() {
            let value = a
                .get_value_names()
                .and_then(|n| n.first())
                .map_or_else(|| a.get_id().as_str().to_uppercase(), |n| n.to_string());
            usage.push_str(&format!(" --{long} <{value}>"));
        }
    }
    usage.push_str(" [OPZIONI]");
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| a.get_id().as_str().to_uppercase(), |n| n.to_string());
        if a.is_required_set() {
            usage.push_str(&format!(" <{name}>"));
        } else {
            usage.push_str(&format!(" [{name}]"));
        }
    }
    if cmd.has_subcommands() {
        usage.push_str(" <COMANDO>");
    }
    let mut cmd = cmd
        .disable_help_flag(true)
        .arg(
            Arg::new("aiuto")
                .short('h')
                .long("aiuto")
                .alias("help")
                .action(ArgAction::Help)
                .help("Mostra questo aiuto"),
        )
        .help_template(TEMPLATE)
        .subcommand_help_heading("Comandi")
        .subcommand_value_name("COMANDO")
        .override_usage(usage)
        .mut_args(italian_arg);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| italian(s, &sub_path));
    }
    cmd
}

fn italian_arg(a: Arg) -> Arg {
    let heading = if a.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
    let values: Vec<String> = if a.is_hide_possible_values_set() || !a.get_action().takes_values() {
        Vec::new()
    } else {
        a.get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect()
    };
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_action().takes_values() {
        help.push_str(&format!(" [predefinito: {}]", defaults.join(", ")));
    }
    let mut long_help = None;
    if !values.is_empty() {
        let mut long = format!("{help}\n\nValori ammessi:");
        for v in a.get_possible_values().iter().filter(|v| !v.is_hide_set()) {
            match v.get_help() {
                Some(h) => long.push_str(&format!("\n  {}: {h}", v.get_name())),
                None => long.push_str(&format!("\n  {}", v.get_name())),
            }
        }
        help.push_str(&format!(" [valori: {}]", values.join(", ")));
        long_help = Some(long);
    }
    let takes_values = a.get_action().takes_values();
    let a = a.help_heading(heading).help(help);
    let a = match long_help {
        Some(long) => a.long_help(long),
        None => a,
    };
    if takes_values {
        a.hide_default_value(true).hide_possible_values(true)
    } else {
        a
    }
}

/// Parses a command line. Help, the version and usage errors are printed here (in
/// Italian); `Err` holds the exit code then: 0 for help and version, 2 for a mistake
/// (or for a stream that cannot be written, a closed pipe aside).
pub fn parse<I, T>(args: I) -> Result<Cli, i32>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.map_err(|e| {
        let e = e.apply::<Italian>();
        match e.print() {
            Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => 2,
            _ => e.exit_code(),
        }
    })
}

/// clap's errors in Italian, built from the error's kind and context (the argument,
/// the value, the suggestions), as clap's own formatter builds its English ones.
pub struct Italian;

impl ErrorFormatter for Italian {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        let mut out = clap::builder::StyledStr::new();
        out.push_str(&italian_error(error));
        out
    }
}

fn context<F: ErrorFormatter>(e: &clap::error::Error<F>, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The Italian text of a clap error (without colours).
pub fn italian_error<F: ErrorFormatter>(e: &clap::error::Error<F>) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut text = String::from("errore: ");
    text.push_str(&match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("manca il valore di `{arg}`"),
        ErrorKind::InvalidValue => {
            let mut m = format!("valore non ammesso `{value}` per `{arg}`");
            if let Some(valid) = context(e, ContextKind::ValidValue) {
                m.push_str(&format!("\n  valori ammessi: {valid}"));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("valore non valido `{value}` per `{arg}`: {why}")
        }
        ErrorKind::UnknownArgument => format!("argomento inatteso `{arg}`"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("comando sconosciuto `{sub}`")
        }
        ErrorKind::NoEquals => format!("`{arg}` vuole il valore dopo un segno `=`"),
        ErrorKind::TooManyValues => {
            format!("valore inatteso `{value}` per `{arg}`: non ne servono altri")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("numero di valori sbagliato per `{arg}`")
        }
        ErrorKind::ArgumentConflict => match context(e, ContextKind::PriorArg) {
            Some(prior) if prior == arg => format!("`{arg}` si può indicare una volta sola"),
            Some(prior) => format!("`{arg}` non si può usare insieme a `{prior}`"),
            None => format!("`{arg}` non si può usare insieme alle altre opzioni indicate"),
        },
        ErrorKind::MissingRequiredArgument => {
            format!("manca un argomento obbligatorio: `{arg}`")
        }
        ErrorKind::MissingSubcommand => {
            let mut m = "manca il comando".to_string();
            if let Some(valid) = context(e, ContextKind::ValidSubcommand) {
                m.push_str(&format!("\n  comandi: {valid}"));
            }
            m
        }
        ErrorKind::InvalidUtf8 => {
            "un argomento contiene caratteri non validi (non è testo UTF-8)".to_string()
        }
        _ => "riga di comando non valida".to_string(),
    });
    let suggestions = [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ];
    let mut suggested = false;
    for kind in suggestions {
        if let Some(s) = context(e, kind) {
            text.push_str(&format!("\n\n  forse volevi `{s}`?"));
            suggested = true;
        }
    }
    if e.kind() == ErrorKind::UnknownArgument && !suggested && arg.starts_with('-') {
        text.push_str(&format!(
            "\n\n  per dare `{arg}` come valore, scrivi prima `--`: `-- {arg}`"
        ));
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        text.push_str(&format!("\n\nUso: {usage}"));
        // The command's own words: up to the first option, value or bracket.
        let command: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['-', '[', '<']))
            .collect();
        text.push_str(&format!(
            "\n\nPer saperne di più: `{} --aiuto`",
            command.join(" ")
        ));
    }
    text.push('\n');
    text
}
