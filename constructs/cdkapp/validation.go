package cdkapp

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/sfnkit/sfnkit/internal/gobuild"
)

// validationCacheDir holds one empty file per template that CDK's
// CloudFormation validation passed, named by the template's hash.
const validationCacheDir = "cfn-validate"

// validateChangedTemplates registers CDK's own CloudFormation template
// validation on app, in a form that skips the templates it has already
// passed. The validator costs seconds per template on every synth (most of
// a warm `cdk synth` of this project), while a template whose bytes,
// account, region and validator version are unchanged can only pass again.
// A template with any finding is never remembered, so findings are
// reported on every synth, exactly as CDK reports them. Validation stays
// off where CDK's would be (CDK_VALIDATION=false, `cdk synth
// --no-validation`).
func validateChangedTemplates(app awscdk.App, appRoot string) {
	if os.Getenv("CDK_VALIDATION") == "false" {
		return
	}
	dir, err := gobuild.OutputFor(appRoot, validationCacheDir)
	if err != nil {
		return // no cache: the plain validator runs, below
	}
	v := &rememberingValidator{dir: dir}
	// A subclass of CloudFormationValidatePlugin, so CDK treats it as its
	// own: it adds no second validator and trusts it with the assembly.
	awscdk.NewCloudFormationValidatePlugin_Override(v, nil)
	awscdk.Validations_Of(app).AddPlugins(v)
}

// templatesValidated counts the templates handed to CDK's validator in
// this process, so a test can see which were skipped.
var templatesValidated atomic.Int64

// rememberingValidator is CDK's CloudFormation validation over the
// templates it has not passed before.
type rememberingValidator struct {
	awscdk.CloudFormationValidatePlugin
	dir string
}

// Validate runs CDK's validator on the templates of ctx it has not passed
// before, and remembers those it passes now.
func (v *rememberingValidator) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	version := ""
	if p := v.CloudFormationValidatePlugin.Version(); p != nil {
		version = *p
	}
	var todo []*awscdk.PolicyValidationStack
	keys := map[string]string{} // template path → cache key
	for _, st := range *ctx.StackTemplates() {
		key, err := templateKey(version, st)
		if err != nil {
			todo = append(todo, st)
			continue
		}
		keys[*st.TemplatePath] = key
		if _, err := os.Stat(filepath.Join(v.dir, key)); err != nil {
			todo = append(todo, st)
		}
	}
	report := &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(true), Violations: &[]*awscdk.PolicyViolation{}, PluginVersion: jsii.String(version)}
	if len(todo) == 0 {
		return report
	}
	templatesValidated.Add(int64(len(todo)))
	report = awscdk.NewCloudFormationValidatePlugin(nil).Validate(&someTemplates{all: ctx, stacks: todo})
	flagged := map[string]bool{}
	for _, violation := range *report.Violations {
		for _, r := range *violation.ViolatingResources {
			if r.TemplatePath == nil {
				return report // a finding not tied to a template: remember nothing
			}
			flagged[*r.TemplatePath] = true
		}
	}
	for _, st := range todo {
		if key := keys[*st.TemplatePath]; key != "" && !flagged[*st.TemplatePath] {
			os.WriteFile(filepath.Join(v.dir, key), nil, 0o644) // a lost entry only costs a validation
		}
	}
	return report
}

// templateKey hashes what the validator's verdict on a template depends on.
func templateKey(version string, st *awscdk.PolicyValidationStack) (string, error) {
	template, err := os.ReadFile(*st.TemplatePath)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, s := range []*string{jsii.String(version), st.AccountId, st.Region} {
		if s != nil {
			h.Write([]byte(*s))
		}
		h.Write([]byte{0})
	}
	h.Write(template)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// someTemplates is a validation context narrowed to some of its stacks.
// It holds the original rather than embedding it: jsii refuses a Go
// object that embeds another object's proxy.
type someTemplates struct {
	all    awscdk.IPolicyValidationContext
	stacks []*awscdk.PolicyValidationStack
}

func (s *someTemplates) StackTemplates() *[]*awscdk.PolicyValidationStack { return &s.stacks }

func (s *someTemplates) TemplatePaths() *[]*string {
	paths := make([]*string, len(s.stacks))
	for i, st := range s.stacks {
		paths[i] = st.TemplatePath
	}
	return &paths
}

func (s *someTemplates) AppConstruct() constructs.IConstruct { return s.all.AppConstruct() }

// AccountId is the stacks' account when all share one (deprecated by CDK
// for StackTemplates, which the validator reads).
func (s *someTemplates) AccountId() *string { return s.all.AccountId() }

// Region is the stacks' region when all share one (deprecated by CDK for
// StackTemplates, which the validator reads).
func (s *someTemplates) Region() *string { return s.all.Region() }
