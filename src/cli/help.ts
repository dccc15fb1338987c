// `gupcheck help [command]` and `gupcheck <command> --help`: usage, options,
// and a real example (output of an actual run, shortened with …) for each.

import { CHECK_SCHEMA_VERSION, REPLAY_SCHEMA_VERSION } from '../engine/result.js';
import { SELFTEST_HELP } from './selftest.js';

export const COMMANDS = 'compare, report, check, simulate, explore, history, replay, selftest, list, start, help';

export const HELP: Record<string, string> = {
  selftest: `${SELFTEST_HELP}

example:
  $ gupcheck selftest --model baseline
  TAP version 13
  …
  not ok 3 cow.c: vmsplice() + unmap in child ... with base page: expected PASS "No leak from parent into child" [I10 holds, I10.witness holds]; found: I10 violated (6 steps)
  …
  # Totals: pass:20 fail:15 xfail:0 xpass:0 skip:26 error:0`,
  main: `gupcheck: a bounded, exhaustive model checker for get_user_pages / pinning designs

usage: gupcheck <command> [options]

commands:
  compare         every proposal against every property on the shipped scenarios (the main job)
  report          the comparison as one HTML file for a design review (or --format text|markdown)
  check <model>   explore every reachable state of one model (or a module by path) and check it
  simulate <model> random walks through a model too big to search: violations with replayable traces
  explore [model] step through a model in the browser (a counterexample with --trace), branch anywhere
  replay TRACE    replay a saved counterexample (check --format json) on its model or another one
  history S       scenario S on every kernel release (v4.8 … v6.6): verdicts, and the commit behind each flip
  selftest        the rows of the kernel's cow.c and gup_longterm.c selftests, on modern or --model
  list            the models, proposals, scenarios and properties
  start           the main job: compare on the default scenarios
  help [command]  show help for a command (also: gupcheck <command> --help)

example:
  $ gupcheck check baseline
  $ gupcheck report --out report.html

exit codes: 0 complete search, all properties hold; 1 a property violated or vacuous
(or a deadlock); 2 bad input or usage; 3 search incomplete (a bound or an interrupt).`,
  check: `usage: gupcheck check <model|PATH> [--scenario NAME|FILE] [--set NAME=VALUE ...]
                       [--format text|json|itf|mermaid|dot] [--json] [--full] [--property NAME]
                       [--exact] [--max-depth N] [--max-states N] [--time-limit SECONDS]
                       [--max-memory MIB] [--workers N] [--no-symmetry] [--no-deadlock]
                       [--fairness weak|none] [--no-liveness] [--por [--shortest]] [--check-footprints] [--second-pass] [--quiet]

  <model|PATH>      a shipped model (gupcheck list), or the path of a proposal or model
                    module (.mjs/.js; README "Adding a proposal")
  --scenario S      for a kernel proposal: a scenario name (models/scenarios/S.json) or a path
  --set NAME=VALUE  set a model parameter (see 'gupcheck list models')
  --format F        text: statistics, properties, each counterexample as steps showing
                          only the fields that changed (default; colour on a terminal)
                    json: one JSON object (schemaVersion ${CHECK_SCHEMA_VERSION}); 'gupcheck replay' reads it
                    itf: the counterexample in the Informal Trace Format (Apalache, Quint)
                    mermaid: the counterexample as a Mermaid sequenceDiagram
                    dot: the whole state graph, counterexample in red (at most --max-states,
                          default 2,000, states; Graphviz lays out a few hundred quickly)
  --json            the same as --format json
  --full            text and dot: whole states, not only what changed
  --property NAME   itf, mermaid, dot: draw NAME's trace (a witness for a sometimes property)
                    instead of the first counterexample
  --exact           store full states instead of fingerprints (no collision risk)
  --max-depth N     explore at most N steps from an initial state
  --max-states N    stop after N distinct states
  --time-limit S    stop after S seconds
  --max-memory M    stop before the search's tables exceed M MiB (default: half of RAM)
  --workers N       search with N worker threads (fingerprint mode)
  --no-symmetry     ignore the model's symmetry reduction (explore every permutation)
  --no-deadlock     do not report states without enabled actions
  --fairness F      liveness (non-progress cycles, eventually, leads-to), default the model's:
                    weak (an actor that stays able to move eventually moves, as SPIN's -f;
                    the classic models), strong (a step enabled again and again is
                    eventually taken; the kernel models) or none
  --no-liveness     skip the liveness search (its properties report unknown)
  --por             partial-order reduction (stubborn sets) where the model declares what
                    each action and property reads and writes (the classic models do; the
                    kernel models do not yet: a warning says why not);
                    same verdicts, fewer states, counterexamples not always shortest
  --shortest        with --por: a full search to the counterexamples' depth makes them shortest
  --check-footprints  instead of checking, prove the declared footprints: an exact full
                    search tracing every guard, effect and property (--max-states bounds it)
  --second-pass     search again with an independent fingerprint and compare states,
                    transitions and verdicts: the collision estimate becomes the product of
                    the two (no memory per state; twice the time); a disagreement is no verdict
  --quiet           no progress line (it is only drawn on a terminal, on stderr)

examples:
  $ gupcheck check baseline
  model baseline scenario=ext4-gup-write
    search: complete, fingerprint mode
    449 distinct states, 1,058 transitions, 19 BFS levels (max depth 18)
  …
  I1 violated: shortest counterexample, 12 steps
     0  initial state 0
  …
     3  flusher: ext4_writepages: mpage_prepare_extent_to_map: lock_page(P)
           page.P.PG_locked -→flusher
           flusher.pc idle→locked
  …
    12  dio: set_page_dirty_lock
           page.P.PG_dirty false→true
           holder.dio.pc held→dirtied
    here I1 fails: an ext4 page-cache page that is PG_dirty has buffers (else BUG_ON(!PagePrivate(page)) in ext4_writepage)
  $ gupcheck check baseline --format mermaid > ext4.mmd
  $ gupcheck check phils --format dot | dot -Tsvg > phils.svg`,
  list: `usage: gupcheck list [models|proposals|releases|scenarios|properties ...] [--json]

Lists the proposals, the classic models with their parameters, the scenarios
and the kernel properties with their descriptions (default: all four).
--json without a topic prints the models (as an array); with topics, one
object keyed by topic.

example:
  $ gupcheck list scenarios
  scenarios (--scenario NAME, or a path to a .json file in the same format):
    bench-3pages              The benchmark scenario: three identical ext4 pages of one MAP_SHARED file, …
    dio-merge                 A merged bvec (the same_page put of __bio_iov_iter_get_pages, …
  …`,
  compare: `usage: gupcheck compare [--models a,b,...] [--add PATH ...] [--scenario S ...] [--detail] [--traces]
                         [--json] [--exact] [--quiet] [--fairness F] [--no-liveness]
                         [--max-states N] [--time-limit S] [--max-memory MIB] [--max-depth N]

Checks every proposal (or those named) against every property on the same
scenarios (default: every shipped scenario but bench-*) and prints, first, one
table of proposals × scenarios whose cells name the properties violated there
(✓: none), with a legend of every property; then one line per distinct
counterexample (scenario / property, the proposals that take those steps, how
many, which actors, where it breaks); then which action kinds no search fired.
Exit 0 when every search finished, 3 if one did not.

  --models a,b,...  the shipped proposals to compare (default: all, in the order of history)
  --add PATH        a proposal module by path, compared after them (repeatable)
  --scenario S      a scenario name or file path (repeatable; default: every shipped one but bench-*);
                    with it, the per-scenario tables are shown as with --detail
  --detail          a table per scenario (a row per proposal, a column per property family, each
                    cell holds / violated (N steps) / latent / vacuous / n/a / incomplete), then each
                    baseline counterexample replayed on the other proposals (cross-replay)
  --traces          every counterexample step by step, in each proposal's own words
  --json            one JSON object: rows (every search's result), crossReplay, coverage
  --exact, --quiet, --fairness F, --no-liveness, --max-states N, --time-limit S, --max-memory M,
  --max-depth N     as for gupcheck check, for each search

examples:
  $ gupcheck compare --add ./mine.mjs --models modern --scenario rdma-file-mr-fsync-stable
  $ gupcheck compare --models baseline,modern --scenario ext4-pin-write
  gupcheck compare: 2 proposals × 1 scenarios, 2 of 2 searches complete, 821 states, 0.0 s

    proposal #1
    -------- -----
    baseline I1 st
    modern   st
  …
  == ext4-pin-write: The FOLL_PIN variant of the ext4 BUG (syzbot, 2022): …

    proposal  I1                   I2     I4     I5     I6     I7     I8     I11    S      stable-pages        …
    --------  -------------------  -----  -----  -----  -----  -----  -----  -----  -----  ------------------  …
    baseline  violated (12 steps)  holds  holds  holds  holds  holds  n/a    holds  holds  violated (6 steps)  …
    modern    holds                holds  holds  holds  holds  holds  holds  holds  holds  violated (6 steps)  …`,
  report: `usage: gupcheck report [--models a,b,...] [--add PATH ...] [--scenario S ...] [--format html|text|markdown]
                        [--out FILE] [--title TEXT] [--exact] [--quiet]
                        [--max-states N] [--time-limit S] [--max-memory MIB] [--max-depth N]

Runs the comparison (as 'gupcheck compare') and writes it up for a design review:
  html      (default) ONE self-contained file, no network: the matrix per scenario,
            each counterexample as a stepper (previous/next, arrow keys) over the state
            with the changed fields highlighted, beside its sequence diagram, the
            cross-replay, and each run's statistics and coverage
  text      plain ASCII wrapped at 72 columns, for a mailing-list reply
  markdown  for GitHub, with Mermaid sequence diagrams
Without --format, --out FILE.md is markdown and FILE.txt is text. --exact and the
bounds (--max-states, --time-limit, --max-memory, --max-depth) apply to each search.
Without --out the report goes to stdout (HTML only when stdout is not a terminal).
Exit 0 when every search finished (violations are the report's findings), 3 if
one did not, 2 on bad input.

examples:
  $ gupcheck report --out report.html
  wrote report.html: 12 proposals × 13 scenarios, 53 counterexamples
  $ gupcheck report --scenario ext4-gup-write --models baseline,modern --format text`,
  replay: `usage: gupcheck replay TRACE.json [--model OTHER|PATH] [--scenario FILE] [--property NAME] [--json]

Replays the counterexample saved by 'gupcheck check <model> --json > TRACE.json'
step by step, on the model it was recorded on (every recorded state is then
compared with the re-executed one: an edited trace is bad input) or on another
one with the same scenario and parameters. Reports the first step that cannot
run, with what the same actor can do there instead, or, when every step runs,
which properties the path violates.

  --model OTHER    replay on OTHER instead of the trace's own model (or a proposal module's path)
  --scenario FILE  the scenario file the trace was recorded on, when it is not a shipped one
  --property NAME  replay NAME's trace (default: the first violated property)
  --json           print one JSON object (schemaVersion ${REPLAY_SCHEMA_VERSION}) on stdout

exit codes: 1 the trace's property is still violated; 0 a step is refused or the
property is not violated; 2 bad input (unreadable or malformed trace file, unknown
model, scenario or property, a recorded state that does not match).

example:
  $ gupcheck check baseline --scenario ext4-pin-write --format json > trace.json
  $ gupcheck replay trace.json --model modern
  replaying baseline / ext4-pin-write: I1 trace (12 steps) on modern
     0. initial state 0 ok
     1. pvw: pin_user_pages(FOLL_PIN|FOLL_WRITE): faultin_page → handle_mm_fault(FAULT_FLAG_WRITE) ok
  …
     9. kswapd: try_to_unmap (zap every PTE; a dirty PTE dirties the page) ok
  modern refuses step 10 (kswapd: try_to_release_page → try_to_free_buffers (drop clean, idle buffers)): guard false; enabled for kswapd instead: kswapd: folio_maybe_dma_pinned: activate (6.4: no stripping or freeing a pinned page)`,
  history: `usage: gupcheck history SCENARIO [--property P] [--from RELEASE] [--to RELEASE] [--json] [--quiet]
                         [--max-states N] [--time-limit S] [--max-memory MiB] [--max-depth N]

Checks SCENARIO (a shipped scenario, a bug of the corpus in models/bugs/, or a
file) on every modelled kernel release, oldest first (gupcheck list releases),
and prints a table of the verdicts, a row per release. For every property
whose verdict flips between two releases it names the commit that flipped it:
the later release is rebuilt on the earlier one with its first n commits,
n = 0, 1, … (the release half-way through its merge window), and the first
n with the later verdict names the commit. It then shows the shortest
counterexample on the side where the property is violated, and that trace
replayed on the other side: the step that release refuses, or that it runs
and is not violated. Exit 0 when every search completed, 3 if one did not.

  --property P   an exact property (I1.bug) or a family (I10); default: all
  --from R       the first release to check (e.g. v5.7); --to R the last
  --json         the table and the flips as JSON (schemaVersion 1)

examples:
  $ gupcheck history fork-vmsplice --property I10
  $ gupcheck history dirty-cow --from v4.8 --to v4.14 --json`,
  start: `usage: gupcheck start [--json] [--quiet]

The main job: gupcheck compare on the default scenarios (npm start runs it).

example:
  $ gupcheck start
  gupcheck compare: 10 proposals × 11 scenarios, 110 of 110 searches complete, 41,788 states, 0.2 s
  …`,
  simulate: `usage: gupcheck simulate <model|PATH> [--scenario NAME|FILE] [--set NAME=VALUE ...] [--seed N]
                          [--runs N] [--depth D] [--time-limit SECONDS] [--json] [--quiet] [--no-shorten]

Random walks through the model, for models too big to search exhaustively:
each run starts at an initial state and takes one enabled action at random,
checking every always, step and quiescent property and deadlock on the way.
The same --seed gives the same runs. Each violation is printed with its trace,
shortened where a breadth-first search to the violation's depth finishes
(--no-shorten keeps the walk's own). A simulation never says a property holds:
it says how many runs and steps it sampled. Exit 1 when something is violated,
3 otherwise (2 on bad input).

  --seed N          the generator's seed (default 1)
  --runs N          how many runs (default 1,000)
  --depth D         steps per run at most (default 100)
  --time-limit S    stop after S seconds
  --json            a check report (with a "simulation" field) that gupcheck replay reads
  --no-shorten      report the walk's trace as found
  --quiet           no progress line

example:
  $ gupcheck simulate baseline --scenario bench-3pages --runs 200
  simulate baseline scenario=bench-3pages: 200 random runs of up to 100 steps (seed 1), …
    I1            always     violated (12 steps)
  …`,
  explore: `usage: gupcheck explore [<model|PATH>] [--scenario NAME|FILE] [--set NAME=VALUE ...]
                         [--trace TRACE.json [--property NAME]] [--path 0.3.7]

Serves an interactive explorer of the model on 127.0.0.1 (a free port, a random
token in the URL) and prints the URL to open; Ctrl-C stops it. The page shows
the current state as a table (the fields the last step changed highlighted),
every enabled action as a button in the kernel's words grouped by actor, back,
forward and the whole path (click a step to jump to it; take another action
there to branch), each property's verdict along the path, and a link and a
command line that reproduce the path. The model runs in gupcheck itself, the
same code check and replay run (a server, not a file, for that reason).

  --scenario S      for a kernel proposal: a scenario name or a path
  --set NAME=VALUE  a model parameter
  --trace FILE      start from a counterexample 'gupcheck check' saved as JSON (its model and
                    scenario unless given); --property NAME picks which one
  --path P          start from a path the page's reproduce line gave (an initial state, then action
                    indices)

example:
  $ gupcheck check baseline --json > ext4.json
  $ gupcheck explore --trace ext4.json
  gupcheck explore: baseline on ext4-gup-write, 21 actions; open
    http://127.0.0.1:40533/?t=5c0e…#p=0.2.3.12.13.14.15.16.17.18.19.20.9&at=0
  (serving on 127.0.0.1 only, with the token in the URL; Ctrl-C stops)`,
  help: `usage: gupcheck help [command]

Shows the usage of gupcheck or of one command (the same as gupcheck <command> --help).

example:
  $ gupcheck help report`,
};
