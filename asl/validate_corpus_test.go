package asl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// corpusCase is one file of testdata/validation: a definition, the
// specification or developer-guide clause it tests and, for an invalid one
// or one with a warning, the diagnostic it must produce.
type corpusCase struct {
	Spec           string          `json:"spec"`
	Severity       Severity        `json:"severity"`
	Code           string          `json:"code"`
	Rule           string          `json:"rule"`
	Location       string          `json:"location"`
	Definition     json.RawMessage `json:"definition"`
	DefinitionText string          `json:"definitionText"`
	// Type is the state machine's type (STANDARD when empty).
	Type WorkflowType `json:"type"`
}

// TestValidationCorpus runs every labelled definition: those under valid/
// must produce no ERROR (and exactly the expected warning, if labelled
// with one), those under invalid/ must produce the labelled ERROR.
func TestValidationCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/validation/*/*.json")
	if err != nil || len(files) < 40 {
		t.Fatalf("%d corpus files (%v)", len(files), err)
	}
	rules := map[string]bool{}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var c corpusCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatal(err)
			}
			if c.Spec == "" {
				t.Error("the case does not say which clause it tests (spec)")
			}
			def := []byte(c.DefinitionText)
			if c.Definition != nil {
				def = c.Definition
			}
			diags := ValidateDefinitionFor(def, c.Type)
			valid := filepath.Base(filepath.Dir(f)) == "valid"
			if valid && HasErrors(diags) {
				t.Errorf("a valid definition has errors: %v", diags)
			}
			if !valid && c.Severity != SeverityError {
				t.Errorf("an invalid case must expect an ERROR, not %q", c.Severity)
			}
			if c.Rule == "" {
				if len(diags) > 0 {
					t.Errorf("want no diagnostic, got %v", diags)
				}
				return
			}
			rules[c.Rule] = true
			for _, d := range diags {
				if d.Severity == c.Severity && d.Code == c.Code && d.Rule == c.Rule && d.Location == c.Location {
					return
				}
			}
			t.Errorf("no %s %s %s at %q; got %v", c.Severity, c.Code, c.Rule, c.Location, diags)
		})
	}
	for _, tc := range validationCases {
		if !rules[tc.rule] {
			t.Errorf("rule %s has no case in the corpus", tc.rule)
		}
	}
}
