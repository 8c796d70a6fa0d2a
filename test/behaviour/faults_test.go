package behaviour_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sfnkit/sfnkit/asl"
	"github.com/sfnkit/sfnkit/local/harness"
	"github.com/sfnkit/sfnkit/workflows/retry/policy"

	etl "github.com/sfnkit/sfnkit/workflows/etl/contract"
	images "github.com/sfnkit/sfnkit/workflows/imageprocessing/contract"
	order "github.com/sfnkit/sfnkit/workflows/orderfulfillment/contract"
)

// transientError is the error a Task's service raises when it is briefly
// unavailable: the kind every Task of the project must retry.
func transientError(resource string) string {
	for _, s := range []struct{ marker, name string }{
		{":lambda:", "Lambda.ServiceException"},
		{"dynamodb:", "DynamoDB.InternalServerErrorException"},
		{"sns:", "SNS.InternalErrorException"},
		{"sqs:", "SQS.AmazonSQSException"},
		{"rekognition:", "Rekognition.ThrottlingException"},
		{"s3:", "S3.InternalErrorException"},
		{"athena:", "Athena.InternalServerException"},
		{"glue:", "Glue.InternalServiceException"},
	} {
		if strings.Contains(resource, s.marker) {
			return s.name
		}
	}
	return "States.TaskFailed"
}

// allAttempts counts a state's attempts in the execution and its child
// executions.
// samePath reports whether two executions took the same path: the same
// top-level states in the same order, and the same states inside Parallel
// branches and Map iterations, in any order (branches run concurrently,
// so their states interleave differently from one run to the next).
func samePath(env *harness.Env, a, b []string) bool {
	split := func(path []string) (top, nested []string) {
		for _, name := range path {
			if env.Machine.States[name] != nil {
				top = append(top, name)
			} else {
				nested = append(nested, name)
			}
		}
		slices.Sort(nested)
		return top, nested
	}
	topA, nestedA := split(a)
	topB, nestedB := split(b)
	return slices.Equal(topA, topB) && slices.Equal(nestedA, nestedB)
}

func allAttempts(out harness.Outcome, state string) int {
	n := harness.Attempts(out.History, state)
	for _, c := range out.Children {
		n += harness.Attempts(c.Events, state)
	}
	return n
}

// taskStates lists the Task states an outcome passed through, child
// executions included.
func taskStates(env *harness.Env, out harness.Outcome) []string {
	seen := map[string]bool{}
	paths := [][]string{out.Path}
	for _, c := range out.Children {
		paths = append(paths, harness.Path(c.Events))
	}
	var names []string
	for _, p := range paths {
		for _, name := range p {
			if st := env.State(name); st != nil && st.Type == asl.TypeTask && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestTransientFaultsAreRetried fails the first call of every Task on the
// path of every scenario with its service's transient error. Each must be
// retried: the execution takes the same path to the same end, with one
// more attempt of that Task.
func TestTransientFaultsAreRetried(t *testing.T) {
	for _, s := range harness.Scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t, s.Stack)
			baseline := play(t, s, env)
			for _, state := range taskStates(env, baseline) {
				t.Run(state, func(t *testing.T) {
					env := newEnv(t, s.Stack)
					fault := harness.Fault{Error: transientError(env.State(state).Resource), Times: 1}
					injected, err := env.Inject(state, fault)
					if err != nil {
						t.Fatal(err)
					}
					out := play(t, s, env)
					if !samePath(env, out.Path, baseline.Path) {
						t.Errorf("after one %s the path changed:\n got %v\nwant %v", fault.Error, out.Path, baseline.Path)
					}
					if got, want := allAttempts(out, state), allAttempts(baseline, state)+1; got != want || injected.Failed() != 1 {
						t.Errorf("%s was attempted %d times (%d failed); want %d", state, got, injected.Failed(), want)
					}
				})
			}
		})
	}
}

// TestPersistentFaults fails every call of one Task and checks where the
// execution ends: after exhausting its retries, the failure is caught, the
// completed steps are compensated in reverse order, and the execution ends
// in the Fail state of the failed stage, or still succeeds when only
// bookkeeping failed.
func TestPersistentFaults(t *testing.T) {
	standard := 1 + policy.MaxAttempts
	compensation := 1 + policy.CompensationMaxAttempts
	const anyCount = -1 // parallel iterations: the first to fail stops the others mid-retry
	tests := []struct {
		scenario, state string
		attempts        int
		status          asl.Status
		end             string
		// then lists states that must follow the failed one, in order
		// (other states may come between); never lists states that must
		// not run at all.
		then, never []string
	}{
		{"order/completed", order.StateValidateOrder, standard, asl.StatusFailed, order.StateOrderFailed,
			nil, []string{order.StateRecordOrderReceived, order.StateProcessPayment}},
		{"order/completed", order.StateRecordOrderReceived, standard, asl.StatusFailed, order.StateOrderFailed,
			nil, []string{order.StateProcessPayment}},
		{"order/completed", order.StateProcessPayment, standard, asl.StatusFailed, order.StatePaymentFailed,
			[]string{order.StateRefundPayment, order.StateRecordOrderFailed, order.StateNotifyCustomerOfFailure}, []string{order.StateReserveInventory}},
		{"order/completed", order.StateReserveInventory, standard, asl.StatusFailed, order.StateInventoryUnavailable,
			[]string{order.StateReleaseInventory, order.StateRefundPayment, order.StateRecordOrderFailed, order.StateNotifyCustomerOfFailure}, []string{order.StateShipOrder}},
		{"order/completed", order.StateShipOrder, standard, asl.StatusFailed, order.StateShippingFailed,
			[]string{order.StateReleaseInventory, order.StateRefundPayment, order.StateRecordOrderFailed, order.StateNotifyCustomerOfFailure}, []string{order.StateRecordOrderCompleted}},
		{"order/completed", order.StateRecordOrderCompleted, standard, asl.StatusSucceeded, order.StateOrderCompleted,
			[]string{order.StateSendConfirmation}, []string{order.StateRefundPayment}},
		{"order/completed", order.StateSendConfirmation, standard, asl.StatusSucceeded, order.StateOrderCompleted,
			nil, []string{order.StateRefundPayment}},
		{"order/approved", order.StateRequestApproval, standard, asl.StatusFailed, order.StateOrderNotApproved,
			[]string{order.StateRecordOrderFailed}, []string{order.StateProcessPayment}},
		{"order/out-of-stock", order.StateRefundPayment, compensation, asl.StatusFailed, order.StateCompensationFailed,
			nil, []string{order.StateRecordOrderFailed}},
		{"order/undeliverable", order.StateReleaseInventory, compensation, asl.StatusFailed, order.StateCompensationFailed,
			nil, []string{order.StateRefundPayment}},
		{"order/payment-declined", order.StateRecordOrderFailed, standard, asl.StatusFailed, order.StatePaymentFailed,
			[]string{order.StateNotifyCustomerOfFailure}, nil},
		{"order/payment-declined", order.StateNotifyCustomerOfFailure, standard, asl.StatusFailed, order.StatePaymentFailed,
			nil, nil},

		{"etl/loaded", etl.StateStartRun, standard, asl.StatusFailed, etl.StateRunFailed,
			[]string{etl.StateAlertRunFailed}, []string{etl.StateExtractTransform, etl.StateMarkRunFailed}},
		{"etl/loaded", etl.StateTransform, standard, asl.StatusFailed, etl.StateRunFailed, // in the map's child execution
			[]string{etl.StateExtractTransform, etl.StateMarkRunFailed, etl.StateAlertRunFailed}, []string{etl.StateQualityGate}},
		{"etl/loaded", etl.StateQualityGate, standard, asl.StatusFailed, etl.StateRunFailed,
			[]string{etl.StateMarkRunFailed, etl.StateAlertRunFailed}, []string{etl.StateLoadPartition}},
		{"etl/loaded", etl.StateLoadPartition, standard, asl.StatusFailed, etl.StateRunFailed,
			[]string{etl.StateMarkRunFailed, etl.StateAlertRunFailed}, []string{etl.StateSwitchPartition, etl.StateFinishRun}},
		{"etl/loaded", etl.StateSwitchPartition, standard, asl.StatusFailed, etl.StateRunFailed,
			[]string{etl.StateMarkRunFailed, etl.StateAlertRunFailed}, []string{etl.StateFinishRun}},
		{"etl/loaded", etl.StateFinishRun, standard, asl.StatusFailed, etl.StateRunFailed,
			[]string{etl.StateMarkRunFailed, etl.StateAlertRunFailed}, nil},
		{"etl/poor-quality", etl.StateMarkRunFailed, standard, asl.StatusFailed, etl.StateDataQualityFailed,
			[]string{etl.StateAlertRunFailed}, nil},
		{"etl/poor-quality", etl.StateAlertRunFailed, standard, asl.StatusFailed, etl.StateDataQualityFailed,
			nil, nil},

		{"image/processed", images.StateExtractMetadata, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateAnalyze}},
		{"image/processed", images.StateDetectLabels, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateStoreResults}},
		{"image/processed", images.StateMakeThumbnails, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateStoreResults}},
		{"image/processed", images.StateLoadPreferences, standard, asl.StatusSucceeded, images.StateImageProcessed,
			[]string{images.StateGenerateInsights, images.StateStoreResults}, nil},
		{"image/processed", images.StateGenerateInsights, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateStoreResults}},
		{"image/processed", images.StateStoreResults, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateNotifyProcessed}},
		{"image/quarantined", images.StateDeleteThumbnail, anyCount, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateQuarantineImage}},
		{"image/quarantined", images.StateQuarantineImage, standard, asl.StatusFailed, images.StateProcessingFailed,
			nil, []string{images.StateDeleteOriginal}},
	}
	for _, tc := range tests {
		t.Run(tc.scenario+"/"+tc.state, func(t *testing.T) {
			t.Parallel()
			s := scenario(t, tc.scenario)
			env := newEnv(t, s.Stack)
			fault := harness.Fault{Error: transientError(env.State(tc.state).Resource), Times: -1}
			injected, err := env.Inject(tc.state, fault)
			if err != nil {
				t.Fatal(err)
			}
			// The fault changes the outcome; the case says what it must be.
			s.WantStatus, s.WantEnd, s.WantOutput, s.WantCause = tc.status, tc.end, nil, ""
			if tc.state == order.StateRequestApproval {
				s.Decision = "" // the request never reaches the approver
			}
			out := play(t, s, env)
			if got := allAttempts(out, tc.state); tc.attempts != anyCount && (got != tc.attempts || injected.Attempts() != tc.attempts) {
				t.Errorf("%s was attempted %d times (the fault saw %d); want %d", tc.state, got, injected.Attempts(), tc.attempts)
			}
			path := out.Path
			for _, c := range out.Children { // a state of a child execution counts as before its Map's successors
				path = append(harness.Path(c.Events), path...)
			}
			if !followedBy(path, tc.state, tc.then) {
				t.Errorf("path %v: want %s followed by %v", path, tc.state, tc.then)
			}
			for _, name := range tc.never {
				if contains(out.Path, name) {
					t.Errorf("path %v runs %s", out.Path, name)
				}
			}
		})
	}
}

// followedBy reports whether path has first, then each of rest in order.
func followedBy(path []string, first string, rest []string) bool {
	want := append([]string{first}, rest...)
	for _, name := range path {
		if len(want) > 0 && name == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

func contains(path []string, name string) bool {
	for _, p := range path {
		if p == name {
			return true
		}
	}
	return false
}

// TestInjectRefusesUnknownStates keeps fault injection honest: a typo
// must not silently inject nothing.
func TestInjectRefusesUnknownStates(t *testing.T) {
	env := newEnv(t, harness.StackOrderFulfillment)
	for _, state := range []string{"NoSuchState", order.StateNeedsApproval} {
		if _, err := env.Inject(state, harness.Fault{Error: "X", Times: 1}); err == nil {
			t.Errorf("Inject(%q) was accepted", state)
		}
	}
}
