// V8 tuning for a search process, set before any of its code is optimised.
//
// TurboFan stops inlining into a function once the bytecode it has inlined
// there passes a budget (920 bytes by default, sized for web pages). A
// search's hot loop is one big function whose callees (the visited set's
// probe, the generated expander and property checks) are what it spends its
// time in: with a budget of 4,000 bytes bench-3pages runs 6–9 % faster and
// peterson N=4 2–5 % (bench/results.md, 2026-12-07). The flag is
// process-wide, so worker threads have it too. Import this module first.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--max-inlined-bytecode-size-cumulative=4000');
