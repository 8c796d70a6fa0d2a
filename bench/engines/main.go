// Command engines measures executions per second of the order workflow's
// synthesized definition on the asl engine, in-process, and on
// aws-local-stepfunctions (Node 22), with the same definition, input and
// task responses, side by side. Run it with bench/engines.sh. The
// reference has no JSONata: it runs ProcessPayment, the one JSONata state,
// as its JSONPath equivalent.
//
// The task responses are recorded, not invented: the happy-path scenario
// runs once with the project's real handlers and fakes, and each Task's
// result is taken from its history. Both engines then replay them, so the
// comparison measures the interpreters, not the handlers. A third line
// gives the asl engine with the real Go handlers and fakes, for scale.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/cfn"
	"github.com/sfnkit/sfnkit/local/harness"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// workload is what both engines run; it is handed to the Node side as
// JSON.
type workload struct {
	Definition  json.RawMessage            `json:"definition"`
	Input       json.RawMessage            `json:"input"`
	Responses   map[string]json.RawMessage `json:"responses"`
	Duration    float64                    `json:"durationSeconds"`
	Concurrency int                        `json:"concurrency"`
}

// measurement is one engine's result.
type measurement struct {
	Sequential float64 `json:"sequential"` // executions per second, one at a time
	Concurrent float64 `json:"concurrent"` // executions per second, Concurrency at a time
}

// cost is what one replayed execution costs the asl engine.
type cost struct {
	allocs, bytes float64 // heap allocations and bytes allocated
	transitions   int     // states entered
}

func main() {
	template := flag.String("template", "cdk.out/SfnkitOrderFulfillment.template.json", "the synthesized order stack")
	duration := flag.Duration("duration", 5*time.Second, "how long to run each measurement")
	concurrency := flag.Int("concurrency", 64, "executions in flight for the concurrent measurement")
	rounds := flag.Int("rounds", 5, "interleaved rounds of both engines; the table gives each column's median")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the asl engine's replayed executions to this file")
	memProfile := flag.String("memprofile", "", "write an allocation profile of the asl engine's replayed executions to this file")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -rounds must be at least 1")
		os.Exit(2)
	}
	if err := run(*template, *duration, *concurrency, *rounds, *cpuProfile, *memProfile); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(templatePath string, d time.Duration, concurrency, rounds int, cpuProfile, memProfile string) error {
	tpl, err := cfn.Load(templatePath)
	if err != nil {
		return fmt.Errorf("%v (run `make synth` first)", err)
	}
	w, scenario, err := record(tpl)
	if err != nil {
		return err
	}
	w.Duration, w.Concurrency = d.Seconds(), concurrency

	// The machine's speed drifts over a minute (other tenants of a
	// shared host), so the engines take turns, round by round, and each
	// column is the median of its rounds: a slow spell costs one round
	// of one engine, not the ratio.
	var ours, theirs []measurement
	var c cost
	for r := 0; r < rounds; r++ {
		profiled := r == 0
		m, rc, err := measureReplay(w, choose(profiled, cpuProfile), choose(profiled, memProfile))
		if err != nil {
			return err
		}
		reference, err := measureReference(w)
		if err != nil {
			return err
		}
		ours, theirs, c = append(ours, m), append(theirs, reference), rc
	}
	replayed, reference := median(ours), median(theirs)
	real, err := measureRealHandlers(tpl, d, concurrency)
	if err != nil {
		return err
	}
	fmt.Printf("order workflow, happy path (%s), %v per measurement, %d concurrent, median of %d interleaved rounds\n\n", scenario.Name, d, concurrency, rounds)
	fmt.Printf("%-52s %14s %14s\n", "engine", "sequential/s", "concurrent/s")
	fmt.Printf("%-52s %14.0f %14.0f\n", "sfnkit asl, in-process, recorded task responses", replayed.Sequential, replayed.Concurrent)
	fmt.Printf("%-52s %14.0f %14.0f\n", "aws-local-stepfunctions 3.0.0, same responses", reference.Sequential, reference.Concurrent)
	fmt.Printf("%-52s %13.1fx %13.1fx\n", "ratio", replayed.Sequential/reference.Sequential, replayed.Concurrent/reference.Concurrent)
	fmt.Printf("%-52s %14.0f %14.0f\n", "sfnkit asl, real Go handlers and AWS fakes", real.Sequential, real.Concurrent)
	fmt.Printf("\nrounds, sequential/s: sfnkit asl %s; aws-local-stepfunctions %s\n", column(ours), column(theirs))
	fmt.Printf("\nsfnkit asl, recorded responses: %.0f allocations (%.1f KB) per execution, %d state transitions, %.2f µs per transition (sequential)\n",
		c.allocs, c.bytes/1024, c.transitions, 1e6/replayed.Sequential/float64(c.transitions))
	return nil
}

// choose is path on the round that writes profiles, else "".
func choose(profiled bool, path string) string {
	if profiled {
		return path
	}
	return ""
}

// column lists each round's sequential rate.
func column(ms []measurement) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%.0f", m.Sequential)
	}
	return strings.Join(parts, " ")
}

// median is the per-column median of ms.
func median(ms []measurement) measurement {
	col := func(get func(measurement) float64) float64 {
		v := make([]float64, len(ms))
		for i, m := range ms {
			v[i] = get(m)
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return measurement{
		Sequential: col(func(m measurement) float64 { return m.Sequential }),
		Concurrent: col(func(m measurement) float64 { return m.Concurrent }),
	}
}

// record plays the happy-path scenario once and keeps each Task's result.
func record(tpl *cfn.Template) (workload, harness.Scenario, error) {
	var s harness.Scenario
	for _, sc := range harness.Scenarios() {
		if sc.Name == "order/completed" {
			s = sc
		}
	}
	env, err := harness.NewEnv(tpl, "", harness.Options{})
	if err != nil {
		return workload{}, s, err
	}
	out, err := s.Play(context.Background(), env)
	if err == nil {
		err = s.Check(out)
	}
	if err != nil {
		return workload{}, s, err
	}
	input, err := s.Input(env)
	if err != nil {
		return workload{}, s, err
	}
	def, err := json.Marshal(env.Machine)
	if err != nil {
		return workload{}, s, err
	}
	w := workload{Definition: rawDefinition(tpl, env.LogicalID, def), Input: input, Responses: map[string]json.RawMessage{}}
	state := ""
	for _, e := range out.History {
		switch {
		case e.StateEnteredEventDetails != nil:
			state = e.StateEnteredEventDetails.Name
		case e.LambdaFunctionSucceededEventDetails != nil:
			w.Responses[state] = json.RawMessage(e.LambdaFunctionSucceededEventDetails.Output)
		case e.TaskSucceededEventDetails != nil:
			w.Responses[state] = json.RawMessage(e.TaskSucceededEventDetails.Output)
		}
	}
	return w, s, nil
}

// rawDefinition is the template's definition as resolved text, which
// both engines parse themselves.
func rawDefinition(tpl *cfn.Template, id string, fallback []byte) json.RawMessage {
	machines, err := tpl.StateMachines(cfn.Placeholders{Template: tpl})
	if err == nil {
		for _, m := range machines {
			if m.LogicalID == id {
				return json.RawMessage(m.Definition)
			}
		}
	}
	return fallback
}

// measureReplay runs the definition on the asl engine with the recorded
// responses, optionally under the CPU profiler, then measures what one
// execution allocates.
func measureReplay(w workload, cpuProfile, memProfile string) (measurement, cost, error) {
	once, err := replayer(w)
	if err != nil {
		return measurement{}, cost{}, err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return measurement{}, cost{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return measurement{}, cost{}, err
		}
	}
	if memProfile != "" {
		runtime.MemProfileRate = 512
	}
	m, err := measure(time.Duration(w.Duration*float64(time.Second)), w.Concurrency, once)
	pprof.StopCPUProfile()
	if err != nil {
		return m, cost{}, err
	}
	if memProfile != "" {
		if err := writeHeapProfile(memProfile); err != nil {
			return m, cost{}, err
		}
		runtime.MemProfileRate = 512 * 1024
	}
	c, err := measureCost(w, once)
	return m, c, err
}

// measureCost counts the heap allocations of a thousand executions, one
// at a time, and the states one execution enters.
func measureCost(w workload, once func() error) (cost, error) {
	const n = 1000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		if err := once(); err != nil {
			return cost{}, err
		}
	}
	runtime.ReadMemStats(&after)
	c := cost{allocs: float64(after.Mallocs-before.Mallocs) / n, bytes: float64(after.TotalAlloc-before.TotalAlloc) / n}
	history, err := replayHistory(w)
	for _, e := range history {
		if e.StateEnteredEventDetails != nil {
			c.transitions++
		}
	}
	return c, err
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// replayer prepares one replayed execution of w.
func replayer(w workload) (func() error, error) {
	start, err := replayStarter(w)
	if err != nil {
		return nil, err
	}
	return func() error {
		_, err := start() // the history is kept, not rendered: nobody reads it
		return err
	}, nil
}

// replayHistory runs w once and returns its history.
func replayHistory(w workload) ([]asl.Event, error) {
	start, err := replayStarter(w)
	if err != nil {
		return nil, err
	}
	x, err := start()
	if err != nil {
		return nil, err
	}
	return x.History(), nil
}

// replayStarter prepares w's machine and recorded responses; the
// function it returns runs one execution to its end.
func replayStarter(w workload) (func() (*asl.Execution, error), error) {
	sm, err := asl.Parse(w.Definition)
	if err != nil {
		return nil, err
	}
	tasks := &asl.Registry{}
	for state, resp := range w.Responses {
		var v any
		if err := json.Unmarshal(resp, &v); err != nil {
			return nil, err
		}
		tasks.HandleState(state, asl.TaskFunc(func(context.Context, asl.TaskRequest) (any, error) { return v, nil }))
	}
	return func() (*asl.Execution, error) {
		e := asl.NewEngine(asl.Options{Clock: asl.NewVirtualClock(time.Now()), Tasks: tasks})
		x, err := e.Start(context.Background(), sm, w.Input, "")
		if err != nil {
			return nil, err
		}
		res, err := x.Wait(context.Background())
		if err == nil && res.Status != asl.StatusSucceeded {
			err = fmt.Errorf("replay ended %s: %s %s", res.Status, res.Error, res.Cause)
		}
		return x, err
	}, nil
}

// measureRealHandlers runs the order workflow with the real handlers and
// AWS fakes: one environment, stock for every execution, a new order each
// time.
func measureRealHandlers(tpl *cfn.Template, d time.Duration, concurrency int) (measurement, error) {
	env, err := harness.NewEnv(tpl, "", harness.Options{})
	if err != nil {
		return measurement{}, err
	}
	inventory := env.AWS.Table(env.Functions[order.StateReserveInventory][order.EnvInventoryTable], "", "")
	for sku := range harness.Stock {
		inventory.Put(map[string]any{"sku": map[string]any{"S": sku}, "stock": map[string]any{"N": "1000000000"}})
	}
	var seq atomic.Int64
	return measure(d, concurrency, func() error {
		input, err := json.Marshal(harness.SampleOrder(fmt.Sprintf("bench-%d", seq.Add(1)), "tok_visa", "SW1Y 4LG"))
		if err != nil {
			return err
		}
		x, err := env.Engine.Start(context.Background(), env.Machine, input, "")
		if err != nil {
			return err
		}
		res, err := x.Wait(context.Background())
		if err == nil && res.Status != asl.StatusSucceeded {
			err = fmt.Errorf("an order ended %s: %s %s", res.Status, res.Error, res.Cause)
		}
		return err
	})
}

// measure counts how many times once completes in d, one at a time and
// then concurrency at a time.
func measure(d time.Duration, concurrency int, once func() error) (measurement, error) {
	var m measurement
	for i, workers := range []int{1, concurrency} {
		var done atomic.Int64
		var failure atomic.Value
		deadline := time.Now().Add(d)
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					if err := once(); err != nil {
						failure.Store(err)
						return
					}
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		if err, _ := failure.Load().(error); err != nil {
			return m, err
		}
		rate := float64(done.Load()) / time.Since(start).Seconds()
		if i == 0 {
			m.Sequential = rate
		} else {
			m.Concurrent = rate
		}
	}
	return m, nil
}

// measureReference runs the workload on aws-local-stepfunctions.
func measureReference(w workload) (measurement, error) {
	root, err := os.Getwd()
	if err != nil {
		return measurement{}, err
	}
	node := filepath.Join(root, "node_modules", ".bin", "node")
	if _, err := os.Stat(node); err != nil {
		return measurement{}, fmt.Errorf("run from the repository root after `make deps`: %v", err)
	}
	def, err := withoutRootResultPath(w.Definition)
	if err != nil {
		return measurement{}, err
	}
	if def, err = jsonPathPayment(def); err != nil {
		return measurement{}, err
	}
	w.Definition = def
	in, err := json.Marshal(w)
	if err != nil {
		return measurement{}, err
	}
	cmd := exec.Command(node, filepath.Join(root, "bench", "engines", "aws-local-stepfunctions.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return measurement{}, fmt.Errorf("aws-local-stepfunctions: %v", err)
	}
	var m measurement
	if err := json.Unmarshal(out, &m); err != nil {
		return measurement{}, fmt.Errorf("aws-local-stepfunctions printed %q: %v", out, err)
	}
	return m, nil
}

// withoutRootResultPath drops every "ResultPath": "$", which means the
// default anyway: aws-local-stepfunctions 3.0.0 would store the result
// under a key named "$" (see the differential test's corpus), and the
// order workflow's ValidateOrder uses it.
func withoutRootResultPath(def json.RawMessage) (json.RawMessage, error) {
	var sm map[string]any
	if err := json.Unmarshal(def, &sm); err != nil {
		return nil, err
	}
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		states, _ := m["States"].(map[string]any)
		for _, s := range states {
			st, _ := s.(map[string]any)
			if st["ResultPath"] == "$" {
				delete(st, "ResultPath")
			}
			branches, _ := st["Branches"].([]any)
			for _, b := range branches {
				if bm, ok := b.(map[string]any); ok {
					walk(bm)
				}
			}
			for _, k := range []string{"Iterator", "ItemProcessor"} {
				if p, ok := st[k].(map[string]any); ok {
					walk(p)
				}
			}
		}
	}
	walk(sm)
	return json.Marshal(sm)
}

// jsonPathPayment rewrites ProcessPayment, a JSONata state (its output
// drops the payment token), into its JSONPath equivalent for
// aws-local-stepfunctions 3.0.0, which runs no JSONata: the same payload,
// the result at contract.PathPayment and a caught error at
// contract.PathPaymentError. The token then stays in the state, which the
// measurement does not read.
func jsonPathPayment(def json.RawMessage) (json.RawMessage, error) {
	var sm map[string]any
	if err := json.Unmarshal(def, &sm); err != nil {
		return nil, err
	}
	states, _ := sm["States"].(map[string]any)
	st, _ := states[order.StateProcessPayment].(map[string]any)
	if st["QueryLanguage"] != "JSONata" {
		return def, nil
	}
	args, _ := st["Arguments"].(map[string]any)
	params := make(map[string]any, len(args))
	for k, v := range args {
		expr, _ := v.(string)
		path, prefixed := strings.CutPrefix(expr, "{% $states.input.")
		path, suffixed := strings.CutSuffix(path, " %}")
		if !prefixed || !suffixed {
			return nil, fmt.Errorf("%s: argument %s is %v, not {%% $states.input.<path> %%}: extend jsonPathPayment", order.StateProcessPayment, k, v)
		}
		params[k+".$"] = "$." + path
	}
	catchers, _ := st["Catch"].([]any)
	for _, c := range catchers {
		if c, ok := c.(map[string]any); ok {
			delete(c, "Output")
			c["ResultPath"] = order.PathPaymentError
		}
	}
	delete(st, "QueryLanguage")
	delete(st, "Arguments")
	delete(st, "Output")
	st["Parameters"], st["ResultPath"] = params, order.PathPayment
	return json.Marshal(sm)
}
