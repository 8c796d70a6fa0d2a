package asl

import (
	"fmt"
	"testing"
)

// choose runs a one-rule Choice over input and returns the state it chose.
func choose(t *testing.T, rule, input string) string {
	t.Helper()
	def := fmt.Sprintf(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[%s],"Default":"No"},
	  "Yes":{"Type":"Pass","Result":"Yes","End":true},"No":{"Type":"Pass","Result":"No","End":true}}}`, rule)
	res, _ := execute(t, def, input, nil)
	if res.Status != StatusSucceeded {
		t.Fatalf("%s on %s: %s %s", rule, input, res.Error, res.Cause)
	}
	return res.Output.(string)
}

func TestChoiceComparisons(t *testing.T) {
	input := `{"s":"beta","n":42,"f":1.5,"b":true,"t":"2026-11-22T10:00:00Z","nul":null,"other":"alpha","limit":40}`
	tests := []struct {
		rule string
		want string
	}{
		{`"StringEquals":"beta"`, "Yes"}, {`"StringEquals":"BETA"`, "No"},
		{`"StringLessThan":"gamma"`, "Yes"}, {`"StringGreaterThan":"alpha"`, "Yes"},
		{`"StringLessThanEquals":"beta"`, "Yes"}, {`"StringGreaterThanEquals":"c"`, "No"},
		{`"StringMatches":"b*a"`, "Yes"}, {`"StringMatches":"b\\*a"`, "No"},
		{`"StringEqualsPath":"$.other"`, "No"}, {`"StringGreaterThanPath":"$.other"`, "Yes"},
	}
	for _, tt := range tests {
		if got := choose(t, `{"Variable":"$.s",`+tt.rule+`,"Next":"Yes"}`, input); got != tt.want {
			t.Errorf("$.s %s: chose %s, want %s", tt.rule, got, tt.want)
		}
	}
	numbers := []struct {
		rule string
		want string
	}{
		{`"NumericEquals":42`, "Yes"}, {`"NumericLessThan":42`, "No"}, {`"NumericGreaterThan":41.9`, "Yes"},
		{`"NumericLessThanEquals":42`, "Yes"}, {`"NumericGreaterThanEquals":43`, "No"},
		{`"NumericGreaterThanPath":"$.limit"`, "Yes"}, {`"NumericEqualsPath":"$.f"`, "No"},
	}
	for _, tt := range numbers {
		if got := choose(t, `{"Variable":"$.n",`+tt.rule+`,"Next":"Yes"}`, input); got != tt.want {
			t.Errorf("$.n %s: chose %s, want %s", tt.rule, got, tt.want)
		}
	}
	others := []struct {
		rule string
		want string
	}{
		{`{"Variable":"$.b","BooleanEquals":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.b","BooleanEqualsPath":"$.b","Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.t","TimestampEquals":"2026-11-22T10:00:00Z","Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.t","TimestampLessThan":"2026-11-22T11:00:00+01:00","Next":"Yes"}`, "No"}, // the same instant
		{`{"Variable":"$.t","TimestampGreaterThan":"2026-01-01T00:00:00Z","Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.nul","IsNull":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.s","IsNull":true,"Next":"Yes"}`, "No"},
		{`{"Variable":"$.missing","IsPresent":false,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.s","IsPresent":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.n","IsNumeric":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.s","IsString":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.b","IsBoolean":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.t","IsTimestamp":true,"Next":"Yes"}`, "Yes"},
		{`{"Variable":"$.s","IsTimestamp":true,"Next":"Yes"}`, "No"},
		// A comparison of another type is false, not an error, as in AWS:
		// a string compared numerically, a number compared as a string.
		{`{"Variable":"$.s","NumericEquals":0,"Next":"Yes"}`, "No"},
		{`{"Variable":"$.n","StringEquals":"42","Next":"Yes"}`, "No"},
		{`{"Variable":"$.s","TimestampEquals":"2026-11-22T10:00:00Z","Next":"Yes"}`, "No"},
	}
	for _, tt := range others {
		if got := choose(t, tt.rule, input); got != tt.want {
			t.Errorf("%s: chose %s, want %s", tt.rule, got, tt.want)
		}
	}
}

func TestChoiceBooleanLogic(t *testing.T) {
	// The specification's example: a value in [20, 30) that is not 25.
	rule := `{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},{"Variable":"$.value","NumericLessThan":30},
	  {"Not":{"Variable":"$.value","NumericEquals":25}}],"Next":"Yes"}`
	for input, want := range map[string]string{`{"value":20}`: "Yes", `{"value":25}`: "No", `{"value":30}`: "No", `{"value":29.9}`: "Yes"} {
		if got := choose(t, rule, input); got != want {
			t.Errorf("%s: chose %s, want %s", input, got, want)
		}
	}
	or := `{"Or":[{"Variable":"$.type","StringEquals":"Public"},{"Variable":"$.type","StringEquals":"Private"}],"Next":"Yes"}`
	if choose(t, or, `{"type":"Private"}`) != "Yes" || choose(t, or, `{"type":"Other"}`) != "No" {
		t.Error("Or")
	}
	// The first matching rule wins.
	first := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"A"},{"Variable":"$.n","NumericGreaterThan":0,"Next":"B"}]},
	  "A":{"Type":"Pass","Result":"A","End":true},"B":{"Type":"Pass","Result":"B","End":true}}}`
	expectOutput(t, first, `{"n":5}`, `"A"`, nil)
}

func TestChoiceFaults(t *testing.T) {
	noDefault := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"A"}]},"A":{"Type":"Succeed"}}}`
	expectError(t, noDefault, `{"n":2}`, ErrNoChoiceMatched, "no Choice rule", nil)
	expectError(t, noDefault, `{}`, ErrRuntime, "Invalid path '$.n'", nil)
	// The choice's Variable must exist unless the rule asks IsPresent.
	expectError(t, `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEqualsPath":"$.b","Next":"A"}],"Default":"A"},"A":{"Type":"Succeed"}}}`,
		`{"a":1}`, ErrRuntime, "Invalid path '$.b'", nil)
}
