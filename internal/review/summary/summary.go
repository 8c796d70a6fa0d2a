// Package summary prints what each stack of a cloud assembly holds: its
// resources by type, its state machines and cdk-nag's verdict, the lines
// `make synth` ends with.
package summary

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sfnkit/sfnkit/asl/model"
	"github.com/sfnkit/sfnkit/cfn"
)

// Print writes the summary of every stack of asm to w, and reports
// whether all are clean: no error annotation and no unsuppressed cdk-nag
// error.
func Print(w io.Writer, asm *cfn.Assembly) bool {
	ok := true
	for _, st := range asm.Stacks {
		if !summarize(w, st) {
			ok = false
		}
	}
	return ok
}

func summarize(w io.Writer, st *cfn.AssemblyStack) bool {
	counts := map[string]int{}
	for _, r := range st.Template.Resources {
		counts[strings.TrimPrefix(r.Type, "AWS::")]++
	}
	total := 0
	var types []string
	for typ, n := range counts {
		total += n
		types = append(types, typ)
	}
	sort.Slice(types, func(i, j int) bool {
		if counts[types[i]] != counts[types[j]] {
			return counts[types[i]] > counts[types[j]]
		}
		return types[i] < types[j]
	})
	var parts []string
	for _, typ := range types {
		parts = append(parts, fmt.Sprintf("%d %s", counts[typ], typ))
	}
	fmt.Fprintf(w, "%s (%s)\n", st.Name, st.TemplateFile)
	fmt.Fprintf(w, "  resources  %d: %s\n", total, strings.Join(parts, ", "))

	machines, err := st.Template.StateMachines(cfn.Placeholders{Template: st.Template})
	if err != nil {
		fmt.Fprintf(w, "  state machines: cannot read: %v\n", err)
	}
	for _, sm := range machines {
		def, err := model.Decode([]byte(sm.Definition))
		if err != nil {
			fmt.Fprintf(w, "  workflow   %s: cannot read: %v\n", sm.LogicalID, err)
			continue
		}
		fmt.Fprintf(w, "  workflow   %s: %s, %s, execution timeout %s\n", sm.LogicalID, sm.Type, States(def), seconds(float64(def.TimeoutSeconds)))
	}

	ok := true
	for _, m := range st.Messages {
		fmt.Fprintf(w, "  %-9s  %s: %s\n", m.Level, m.Path, m.Text)
		if m.Level == "error" {
			ok = false
		}
	}
	packs := map[string][3]int{} // compliant, suppressed, non-compliant errors
	var order []string
	for _, row := range st.Nag {
		c, seen := packs[row.Pack]
		if !seen {
			order = append(order, row.Pack)
		}
		switch {
		case row.Compliance == "Suppressed":
			c[1]++
		case row.Compliance == "Non-Compliant" && row.RuleLevel == "Error":
			c[2]++
			ok = false
		default:
			c[0]++
		}
		packs[row.Pack] = c
	}
	for _, pack := range order {
		c := packs[pack]
		fmt.Fprintf(w, "  cdk-nag    %s: %d errors, %d suppressed with a reason, %d checks passed\n", pack, c[2], c[1], c[0])
	}
	if len(order) == 0 {
		fmt.Fprintln(w, "  cdk-nag    no report found")
	}
	return ok
}

// States counts a machine's states by type, those of its branches and item
// processors included: "22 states (12 Task, 2 Choice, 1 Succeed, 7 Fail)".
// It reads the ASL model, not the engine, so the summary compiles in
// seconds.
func States(m *model.Machine) string {
	counts := map[string]int{}
	total := 0
	var walk func(m *model.Machine)
	walk = func(m *model.Machine) {
		for _, st := range m.States {
			counts[st.Type]++
			total++
			for _, b := range st.Branches {
				walk(b)
			}
			if p := st.Processor(); p != nil {
				walk(p)
			}
		}
	}
	walk(m)
	var parts []string
	for _, t := range []string{"Task", "Choice", "Parallel", "Map", "Wait", "Pass", "Succeed", "Fail"} {
		if counts[t] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[t], t))
		}
	}
	return fmt.Sprintf("%d states (%s)", total, strings.Join(parts, ", "))
}

func seconds(s float64) string {
	if s == 0 {
		return "none"
	}
	switch {
	case int(s)%3600 == 0:
		return fmt.Sprintf("%dh", int(s)/3600)
	case int(s)%60 == 0:
		return fmt.Sprintf("%dm", int(s)/60)
	}
	return fmt.Sprintf("%ds", int(s))
}
