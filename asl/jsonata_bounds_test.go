package asl

import (
	"strings"
	"testing"
)

// catchQueryErrors wraps a JSONata expression in a Pass state whose
// QueryEvaluationError is caught, so a test sees both the failure and that
// a Catch handles it.
func catchQueryErrors(expr string) string {
	return `{"QueryLanguage":"JSONata","StartAt":"P","States":{
	  "P":{"Type":"Parallel","Branches":[{"StartAt":"E","States":{"E":{"Type":"Pass","Output":"{% ` + expr + ` %}","End":true}}}],
	       "Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Output":"{% $states.errorOutput %}","Next":"Caught"}],"End":true},
	  "Caught":{"Type":"Succeed"}}}`
}

// expectQueryError checks that expr fails its state with
// States.QueryEvaluationError, whose cause contains causePart, and that a
// Catch handles it.
func expectQueryError(t *testing.T, expr, causePart string) {
	t.Helper()
	res, _ := execute(t, catchQueryErrors(expr), `{}`, nil)
	if res.Status != StatusSucceeded {
		t.Fatalf("%s: status %s %s (%s); want the error caught", expr, res.Status, res.Error, res.Cause)
	}
	out, _ := res.Output.(map[string]any)
	if out["Error"] != ErrQueryEvaluationError || !strings.Contains(out["Cause"].(string), causePart) {
		t.Errorf("%s: caught %v; want %s containing %q", expr, res.Output, ErrQueryEvaluationError, causePart)
	}
}

// TestJSONataRecursionIsBounded: endless recursion used to grow the
// goroutine stack until Go killed the whole process.
func TestJSONataRecursionIsBounded(t *testing.T) {
	expectQueryError(t, `($f := function($n){ $f($n+1) }; $f(0))`, "U1001")
	expectQueryError(t, `($f := function($n){ 1 + $f($n+1) }; $f(0))`, "U1001")
	// Recursion within the bound still works.
	expectOutput(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% ($f := function($n){ $n = 0 ? 0 : 1 + $f($n-1) }; $f(50)) %}","End":true}}}`, `{}`, `50`, nil)
}

// TestJSONataRangeIsBounded: [1..10000000] used to cost ~800 MB per
// evaluation.
func TestJSONataRangeIsBounded(t *testing.T) {
	expectQueryError(t, `$count([1..10000000])`, "MaxJSONataRange")
	expectQueryError(t, `$count([-5 .. 1000000])`, "MaxJSONataRange")
	expectOutput(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $count([1..1000000]) + $count(['1..99999999']) %}","End":true}}}`, `{}`, `1000001`, nil)
}

func TestJSONataNestingIsBounded(t *testing.T) {
	deep := strings.Repeat("(", MaxJSONataNesting+1) + "1" + strings.Repeat(")", MaxJSONataNesting+1)
	_, err := Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% ` + deep + ` %}","End":true}}}`))
	if err == nil || !strings.Contains(err.Error(), "nests brackets more than") {
		t.Errorf("Parse: %v; want the nesting reported", err)
	}
}

func TestCheckJSONataSource(t *testing.T) {
	for expr, tooLarge := range map[string]bool{
		`[0..1000000]`:                 true,
		`[1..1000000]`:                 false,
		`[ 1 .. 99999999999999999999]`: true,
		`[a1..9999999]`:                false, // not a literal: the library's bound applies
		`"[1..9999999]"`:               false,
		`/* [1..9999999] */ 1`:         false,
		`[$x..9999999]`:                false,
	} {
		err := checkJSONataSource(expr)
		if (err != nil) != tooLarge {
			t.Errorf("checkJSONataSource(%s) = %v; want an error: %v", expr, err, tooLarge)
		}
	}
}
