package cfn

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Assembly is a CDK cloud assembly (the cdk.out directory): its stacks'
// templates, their error and warning annotations, and cdk-nag's reports.
type Assembly struct {
	Dir string
	// Version is the cloud-assembly schema version of the manifest.
	Version string
	// Stacks are sorted by name.
	Stacks []*AssemblyStack
}

// AssemblyStack is one stack of an Assembly.
type AssemblyStack struct {
	Name         string
	TemplateFile string
	Template     *Template
	// Messages are the stack's error and warning annotations.
	Messages []Message
	// Nag holds the rows of the stack's cdk-nag reports, all packs.
	Nag []NagRow
}

// Message is an error or warning annotation of a construct.
type Message struct {
	Level, Path, Text string
}

// NagRow is a line of a cdk-nag report.
type NagRow struct {
	Pack, RuleID, ResourceID, Compliance, ExceptionReason, RuleLevel string
}

// ErrNoAssembly is returned when dir holds no cloud assembly.
var ErrNoAssembly = errors.New("no cloud assembly")

// ReadAssembly loads the cloud assembly in dir. A missing or unreadable
// assembly is an error that says which file is wrong.
func ReadAssembly(dir string) (*Assembly, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w (no manifest.json; run `make synth` first)", dir, ErrNoAssembly)
	}
	if err != nil {
		return nil, err
	}
	var manifest struct {
		Version   string `json:"version"`
		Artifacts map[string]struct {
			Type       string `json:"type"`
			Properties struct {
				TemplateFile string `json:"templateFile"`
				StackName    string `json:"stackName"`
			} `json:"properties"`
			Metadata map[string][]struct {
				Type string `json:"type"`
				Data any    `json:"data"`
			} `json:"metadata"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		return nil, fmt.Errorf("%s/manifest.json is not a cloud assembly manifest: %w", dir, err)
	}
	asm := &Assembly{Dir: dir, Version: manifest.Version}
	for name, art := range manifest.Artifacts {
		if art.Type != "aws:cloudformation:stack" {
			continue
		}
		st := &AssemblyStack{Name: name, TemplateFile: art.Properties.TemplateFile}
		if st.Template, err = Load(filepath.Join(dir, art.Properties.TemplateFile)); err != nil {
			return nil, fmt.Errorf("stack %s: %w", name, err)
		}
		for path, entries := range art.Metadata {
			for _, e := range entries {
				if e.Type == "aws:cdk:error" || e.Type == "aws:cdk:warning" {
					st.Messages = append(st.Messages, Message{Level: strings.TrimPrefix(e.Type, "aws:cdk:"), Path: path, Text: fmt.Sprint(e.Data)})
				}
			}
		}
		sort.Slice(st.Messages, func(i, j int) bool { return st.Messages[i].Path < st.Messages[j].Path })
		stackName := art.Properties.StackName // cdk-nag names its reports after it
		if stackName == "" {
			stackName = name
		}
		if st.Nag, err = readNagReports(dir, stackName); err != nil {
			return nil, err
		}
		asm.Stacks = append(asm.Stacks, st)
	}
	sort.Slice(asm.Stacks, func(i, j int) bool { return asm.Stacks[i].Name < asm.Stacks[j].Name })
	return asm, nil
}

// Stack returns the stack called name, or nil.
func (a *Assembly) Stack(name string) *AssemblyStack {
	for _, s := range a.Stacks {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// readNagReports reads the <Pack>--<Stack>-NagReport.csv files.
func readNagReports(dir, stack string) ([]NagRow, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*--"+stack+"-NagReport.csv"))
	sort.Strings(files)
	var rows []NagRow
	for _, f := range files {
		pack := strings.SplitN(filepath.Base(f), "--", 2)[0]
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		records, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for i, r := range records {
			if i == 0 || len(r) < 5 {
				continue // the header
			}
			rows = append(rows, NagRow{Pack: pack, RuleID: r[0], ResourceID: r[1], Compliance: r[2], ExceptionReason: r[3], RuleLevel: r[4]})
		}
	}
	return rows, nil
}
