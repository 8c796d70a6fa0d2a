package asl

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// The functions Step Functions adds to JSONata, as the developer guide
// ("Transforming data with JSONata", section "JSONata functions provided
// by Step Functions") documents them: $partition, $range, $hash,
// $random, $uuid and $parse. Its note applies to all of them: "functions
// that require integer values as parameters will automatically round
// down any non-integer numbers provided". JSONata's $eval is the one
// built-in Step Functions does not support; it is replaced by a function
// that fails, so no expression, however it names the function, runs it.

// stepFunctionsFunctions are the functions Step Functions adds to JSONata
// that need nothing of the execution.
var stepFunctionsFunctions = map[string]any{
	"partition": jsonataFunc(func(args []any) (any, error) {
		if len(args) == 2 {
			args[1] = roundDown(args[1])
		}
		v, err := arrayPartition(args, nil, nil)
		return v, named("$partition", err)
	}),
	"range": jsonataFunc(func(args []any) (any, error) {
		for i := range args {
			args[i] = roundDown(args[i])
		}
		v, err := arrayRange(args, nil, nil)
		return v, named("$range", err)
	}),
	"hash": jsonataFunc(jsonataHash),
	"parse": jsonataFunc(func(args []any) (any, error) {
		s, err := stringArg(args, 1)
		if err != nil {
			return nil, named("$parse", err)
		}
		v, err := stringToJSON([]any{s}, nil, nil)
		return v, named("$parse", err)
	}),
	"eval": jsonataFunc(func([]any) (any, error) {
		return nil, errors.New(unsupportedJSONataFunctions["eval"])
	}),
}

// unsupportedJSONataFunctions are the JSONata built-ins Step Functions
// refuses, with the fix the validator gives.
var unsupportedJSONataFunctions = map[string]string{
	"eval": "$eval is not supported in Step Functions: deserialize a JSON string with $parse instead",
}

// named prefixes a function's error with its name, as JSONata's own
// errors name the function that failed.
func named(name string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// roundDown applies the developer guide's rule for integer parameters:
// a non-integer number is rounded down; other values pass unchanged, for
// the function's own type check.
func roundDown(v any) any {
	if f, ok := v.(float64); ok && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return math.Floor(f)
	}
	return v
}

// jsonataHash is $hash(data, algorithm): "The first argument is the
// source string to be hashed. The second argument is a string
// representing the hashing algorithm", one of MD5, SHA-1, SHA-256,
// SHA-384 and SHA-512; the result is the hex digest.
func jsonataHash(args []any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("$hash takes the string to hash and an algorithm, got %d arguments", len(args))
	}
	data, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("$hash: the data to hash must be a string, not %s; convert it with $string()", jsonTypeName(args[0]))
	}
	algorithm, ok := args[1].(string)
	if !ok {
		return nil, fmt.Errorf("$hash: the algorithm must be a string: MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
	}
	h, err := digest(data, algorithm)
	return h, named("$hash", err)
}

// jsonataFuncs are the runtime's functions for its expressions, made once:
// $uuid and an unseeded $random draw from the execution's seeded
// randomness, so a run repeats exactly under the same Options.Seed.
func (rt *runtime) jsonataFuncs() (uuid, random any) {
	rt.jsonataOnce.Do(func() {
		rt.jsonataUUID = jsonataFunc(func(args []any) (any, error) {
			if len(args) != 0 {
				return nil, fmt.Errorf("$uuid takes no arguments, got %d", len(args))
			}
			return rt.uuid(), nil
		})
		rt.jsonataRandom = jsonataFunc(func(args []any) (any, error) {
			switch len(args) {
			case 0:
				return rt.randFloat(), nil
			case 1:
				return seededRandom(args[0])
			}
			return nil, fmt.Errorf("$random takes at most one argument, the seed; got %d", len(args))
		})
	})
	return rt.jsonataUUID, rt.jsonataRandom
}

// seededRandomStream tells the seeded $random's generator from the
// executions' (newRand), so a seed equal to Options.Seed does not repeat
// an execution's first draw.
const seededRandomStream = 0x243f6a8885a308d3

// seededRandom is $random(seed): "If you use this function with the same
// seed value, it returns an identical number" n, 0 <= n < 1. AWS does not
// document its generator, so the contract is determinism within this
// engine: the seed, rounded down to an integer, seeds a PCG generator
// (math/rand/v2) whose first Float64 is the result, the same in every
// execution, process and platform.
func seededRandom(seed any) (any, error) {
	f, ok := seed.(float64)
	if !ok {
		return nil, fmt.Errorf("$random: the seed must be an integer, not %s", jsonTypeName(seed))
	}
	f = math.Floor(f)
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1<<63-1024 {
		return nil, fmt.Errorf("$random: the seed %v is not a 64-bit integer", seed)
	}
	return rand.New(rand.NewPCG(uint64(int64(f)), seededRandomStream)).Float64(), nil
}

// jsonTypeName names a JSON value's type as JSONata's $type does.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "function"
}
