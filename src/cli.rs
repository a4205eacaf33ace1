//! Command-line arguments (clap), with Italian help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ContentArg {
    /// Cartella dei contenuti (allegato.toml, gestionali/, istituzionali/).
    #[arg(long, value_name = "CARTELLA", default_value = "content")]
    pub content: PathBuf,
    /// Considera errori anche gli avvisi.
    #[arg(long)]
    pub strict: bool,
    /// Cartella dei modelli da usare al posto di quelli incorporati (per chi li sviluppa).
    #[arg(long, value_name = "CARTELLA")]
    pub templates: Option<PathBuf>,
}

/// Format of the open-data export.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// JSON con schema versionato (docs/variazioni.schema.json).
    Json,
    /// CSV UTF-8 (RFC 4180), una riga per modifica.
    Csv,
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
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Copia da generare: completo (per la Giunta) o albo (per la pubblicazione).
        #[arg(long, value_enum, default_value = "completo")]
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
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Scrive anche un'immagine PNG per pagina in questa cartella (pagina-1.png, …).
        #[arg(long, value_name = "CARTELLA")]
        png: Option<PathBuf>,
    },
    /// Esporta le variazioni come dati aperti (una riga per modifica), in JSON o CSV.
    Export {
        #[command(flatten)]
        content: ContentArg,
        /// Formato: json o csv.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// File da scrivere (predefinito: lo standard output).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Scrive i sorgenti Typst generati (main.typ e i file che importa) in una cartella.
    Typst {
        #[command(flatten)]
        content: ContentArg,
        /// Cartella in cui scrivere i sorgenti.
        #[arg(long, short, value_name = "CARTELLA")]
        output: PathBuf,
        /// Un solo obiettivo (come per preview).
        #[arg(long, value_name = "OBIETTIVO")]
        obiettivo: Option<String>,
    },
    /// Rigenera il PDF a ogni modifica dei contenuti (o dei modelli, con --templates) finché non premi Ctrl-C.
    Watch {
        /// Un solo obiettivo da seguire, come per preview (senza: l'allegato intero).
        obiettivo: Option<String>,
        #[command(flatten)]
        content: ContentArg,
        /// File PDF da scrivere (predefinito: come build, o come preview con un obiettivo).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Mostra l'allegato nel browser e lo aggiorna a ogni salvataggio dei contenuti (Ctrl-C per uscire).
    Serve {
        #[command(flatten)]
        content: ContentArg,
        /// Porta su cui ascoltare (predefinita: 3000, o la prima libera dopo; 0: una porta libera qualsiasi).
        #[arg(long, value_name = "N")]
        porta: Option<u16>,
        /// Indirizzo su cui ascoltare: il predefinito 127.0.0.1 è raggiungibile solo da questo computer.
        #[arg(long, value_name = "INDIRIZZO", default_value = "127.0.0.1")]
        indirizzo: std::net::IpAddr,
        /// Apre la pagina nel browser predefinito.
        #[arg(long)]
        apri: bool,
    },
    /// Crea il file TOML di un nuovo obiettivo, con tutti i campi da compilare e commentati.
    New {
        /// Il tipo di obiettivo: gestionale o istituzionale.
        #[arg(value_enum)]
        tipo: NewKind,
        /// N. scheda (predefinito: il primo numero dopo quelli già usati).
        #[arg(long)]
        numero: Option<u32>,
        /// Titolo dell'obiettivo (o nome del servizio); dà anche il nome al file.
        #[arg(long)]
        titolo: Option<String>,
        /// Sezione dell'obiettivo: se è in organizzazione.toml, la scheda ne prende
        /// direzione, dirigente, responsabile e assessore.
        #[arg(long)]
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
        #[arg(long, short, value_name = "CARTELLA", default_value = "schema")]
        output: PathBuf,
    },
}

/// The content folder alone, for commands that neither check nor build.
#[derive(Args, Debug, Clone)]
pub struct ContentDirArg {
    /// Cartella dei contenuti (allegato.toml, gestionali/, istituzionali/).
    #[arg(long, value_name = "CARTELLA", default_value = "content")]
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
