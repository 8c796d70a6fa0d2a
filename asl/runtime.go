package asl

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// runtime is the engine's state for one execution.
type runtime struct {
	engine *Engine
	exec   *Execution
	clock  Clock
	hist   *history

	rngMu sync.Mutex
	rng   *rand.Rand

	// jsonataOnce makes the execution's JSONata $uuid and $random.
	jsonataOnce                sync.Once
	jsonataUUID, jsonataRandom any

	// ctxExecution and ctxMachine are $$.Execution (as of ctxRedrives
	// redrives) and $$.StateMachine; see contextParts.
	ctxMu                    sync.Mutex
	ctxExecution, ctxMachine map[string]any
	ctxRedrives              int

	childMu  sync.Mutex
	children []ChildExecution
	mapRuns  []*mapRun     // the Distributed Map runs, guarded by childMu
	rd       *redriveState // nil for Express, TestState and child executions
	pending  []*tokenWait  // tasks waiting for their tokens
	changed  chan struct{} // closed when pending changes
}

func (rt *runtime) randFloat() float64 {
	rt.rngMu.Lock()
	defer rt.rngMu.Unlock()
	return rt.rng.Float64()
}

func (rt *runtime) randIntn(n int) int {
	rt.rngMu.Lock()
	defer rt.rngMu.Unlock()
	return rt.rng.IntN(n)
}

func (rt *runtime) uuid() string {
	rt.rngMu.Lock()
	defer rt.rngMu.Unlock()
	return uuidFrom(rt.rng)
}

// newRand is an execution's seeded randomness: PCG, whose state is two
// words (math/rand's source allocates 5 KB per execution).
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x5f3759df))
}

// uuidFrom makes a version-4 UUID from the engine's seeded randomness, so
// runs repeat exactly.
func uuidFrom(r *rand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func lastSegment(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == ':' {
			return arn[i+1:]
		}
	}
	return arn
}

// executionArn derives an execution ARN from its state machine's.
func executionArn(smArn, smName, name string) string {
	prefix := smArn[:len(smArn)-len(smName)]
	return replaceOnce(prefix, ":stateMachine:", ":execution:") + smName + ":" + name
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}
