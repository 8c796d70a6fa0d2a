package asl

// Field names of TestState's inspectionData, as the Step Functions API
// spells them.
const (
	inspectAfterInputPath      = "afterInputPath"
	inspectAfterParameters     = "afterParameters"
	inspectAfterArguments      = "afterArguments"
	inspectResult              = "result"
	inspectAfterResultSelector = "afterResultSelector"
	inspectAfterResultPath     = "afterResultPath"
	inspectAfterItemsPath      = "afterItemsPath"
	inspectAfterItemSelector   = "afterItemSelector"
)

// inspection collects what TestState reports at DEBUG and TRACE: the data
// after each input and output processing step of the state under test.
// The engine records into the frame's inspection as it runs the state, and
// only TestState gives a frame one, so the values reported are the ones
// the engine computed rather than those of a second implementation. Every
// method does nothing on a nil inspection, the case of every execution.
type inspection struct {
	// values holds each recorded field as JSON text, encoded when
	// recorded, so later steps that build on a value cannot change it.
	values map[string]string
	// context is laid over the context object ($$) of the state, as
	// TestState's context parameter asks.
	context map[string]any
}

// record keeps v as the inspection field named field.
func (in *inspection) record(field string, v any) {
	if in == nil {
		return
	}
	if in.values == nil {
		in.values = map[string]string{}
	}
	in.values[field] = toJSON(v)
}

// taskInput records what a Task (or Parallel) state hands its work: after
// InputPath and Parameters (JSONPath), or after Arguments (JSONata).
func (in *inspection) taskInput(st *State, effective, taskInput any) {
	if in == nil {
		return
	}
	if st.QueryLanguage == JSONata {
		if st.Arguments != nil {
			in.record(inspectAfterArguments, taskInput)
		}
		return
	}
	in.record(inspectAfterInputPath, effective)
	in.record(inspectAfterParameters, taskInput)
}

// pass records a JSONPath Pass state's steps the way TestState reports
// them: with a Result field, the result (InputPath and Parameters play no
// part); otherwise the input after InputPath and Parameters; in both cases
// the result as "after ResultSelector" (a Pass state has none) and after
// ResultPath.
func (in *inspection) pass(st *State, effective, result, out any) {
	if in == nil {
		return
	}
	if st.Result != nil {
		in.record(inspectResult, result)
	} else {
		in.record(inspectAfterInputPath, effective)
		in.record(inspectAfterParameters, result)
	}
	in.record(inspectAfterResultSelector, result)
	in.record(inspectAfterResultPath, out)
}

// overlayContext lays the requested context over a state's context object.
func (in *inspection) overlayContext(c map[string]any) {
	if in == nil || in.context == nil {
		return
	}
	mergeInto(c, in.context)
}

// mergeInto copies src into dst, merging objects present in both (into
// copies: dst's objects may be shared, as $$.Execution.Input is) and
// replacing every other value.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		if sub, ok := v.(map[string]any); ok {
			if have, ok := dst[k].(map[string]any); ok {
				merged := make(map[string]any, len(have)+len(sub))
				for hk, hv := range have {
					merged[hk] = hv
				}
				mergeInto(merged, sub)
				dst[k] = merged
				continue
			}
		}
		dst[k] = clone(v)
	}
}
