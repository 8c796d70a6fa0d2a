package asl

import (
	"fmt"
	"regexp"
	"strings"

	// ojg evaluates the JSONPath the States Language allows (filters, wild
	// cards, slices, descent) on plain Go JSON values; it is maintained and
	// fast, and lets us inspect a parsed path to enforce reference paths.
	"github.com/ohler55/ojg/jp"
)

var varRef = regexp.MustCompile(`^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$`)

// splitPath tells what a path starts from: "$$" the context object, "$name"
// a variable, or "$" the input; rest is a "$"-rooted path into it.
func splitPath(path string) (root, variable, rest string, err error) {
	switch {
	case strings.HasPrefix(path, "$$"):
		return "context", "", "$" + path[2:], nil
	case varRef.MatchString(path):
		m := varRef.FindStringSubmatch(path)
		return "variable", m[1], "$" + m[2], nil
	case strings.HasPrefix(path, "$"):
		return "input", "", path, nil
	}
	return "", "", "", fmt.Errorf("%q does not start with $", path)
}

// compilePath parses a JSONPath, reporting syntax errors.
func compilePath(path string) (jp.Expr, error) {
	_, _, rest, err := splitPath(path)
	if err != nil {
		return nil, err
	}
	x, err := parseJSONPathSafely(rest)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid JSONPath: %v", path, err)
	}
	return x, nil
}

// parseJSONPathSafely parses a path, turning ojg's complaint about script
// expressions ($[(@.length-1)]), which Step Functions' JSONPath does not
// evaluate, into advice.
func parseJSONPathSafely(rest string) (x jp.Expr, err error) {
	x, err = jp.ParseString(normalizePath(rest))
	if err != nil && strings.Contains(err.Error(), "CompileScript") {
		return nil, fmt.Errorf("script expressions such as [(@.length-1)] are not supported: use an index such as [-1:] or a filter [?(@.field == 1)]")
	}
	return x, err
}

// normalizePath rewrites dot-notation names that ojg's parser refuses but
// Step Functions' JSONPath accepts (such as $.error-info) into bracket
// notation ($['error-info']).
func normalizePath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); {
		c := path[i]
		switch {
		case c == '[':
			j := i + 1
			quote := byte(0)
			for ; j < len(path); j++ {
				if quote != 0 {
					if path[j] == quote {
						quote = 0
					}
					continue
				}
				if path[j] == '\'' || path[j] == '"' {
					quote = path[j]
				} else if path[j] == ']' {
					break
				}
			}
			end := min(j+1, len(path))
			b.WriteString(path[i:end])
			i = end
		case c == '.':
			dots := 1
			if i+1 < len(path) && path[i+1] == '.' {
				dots = 2
			}
			j := i + dots
			for j < len(path) && path[j] != '.' && path[j] != '[' {
				j++
			}
			name := path[i+dots : j]
			if name == "" || name == "*" || simpleName(name) {
				b.WriteString(path[i:j])
			} else {
				if dots == 2 {
					b.WriteString("..")
				}
				b.WriteString("['" + strings.ReplaceAll(name, "'", "\\'") + "']")
			}
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func simpleName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) {
			return false
		}
	}
	return true
}

// definite reports whether a parsed path names at most one value: only
// field names and indexes, no wildcards, slices, unions, filters or descent.
func definite(x jp.Expr) bool {
	for _, f := range x {
		switch f.(type) {
		case jp.Root, jp.At, jp.Child, jp.Nth, jp.Bracket:
		default:
			return false
		}
	}
	return true
}

// walkReference evaluates a path of names and indexes ($.a.b[0]), the
// common case, by walking the value: ojg's general Get allocates its
// results. simple is false for any other path.
func walkReference(x jp.Expr, data any) (value any, found, simple bool) {
	for i, f := range x {
		switch f := f.(type) {
		case jp.Root:
			if i != 0 {
				return nil, false, false
			}
		case jp.Child:
			m, ok := data.(map[string]any)
			if !ok {
				return nil, false, true
			}
			if data, ok = m[string(f)]; !ok {
				return nil, false, true
			}
		case jp.Nth:
			a, ok := data.([]any)
			if !ok {
				return nil, false, true
			}
			n := int(f)
			if n < 0 {
				n += len(a)
			}
			if n < 0 || n >= len(a) {
				return nil, false, true
			}
			data = a[n]
		default:
			return nil, false, false
		}
	}
	return data, true, true
}

// checkReferencePath reports whether path is a Reference Path, which
// ResultPath and Choice variables must be.
func checkReferencePath(path string) error {
	x, err := compilePath(path)
	if err != nil {
		return err
	}
	if !definite(x) {
		return fmt.Errorf("%q must be a reference path: fields and indexes only, no wildcards, slices or filters", path)
	}
	return nil
}

// pathRoot is what a path starts from.
type pathRoot uint8

const (
	rootInput    pathRoot = iota // $
	rootContext                  // $$
	rootVariable                 // $name
)

// compiledPath is a path parsed once: its root and the JSONPath after it.
// Its errors are kept and reported when it is evaluated, as the engine
// reports them for a path it parses then.
type compiledPath struct {
	src      string
	root     pathRoot
	variable string
	expr     jp.Expr
	// splitErr is a path that does not start with $; err one whose
	// JSONPath does not parse.
	splitErr, err error
	// steps are the names and indexes of a definite path, where
	// setPath puts a value.
	steps    []jp.Frag
	whole    bool // "$", "$$" or "$name": the root itself
	walk     bool // names and indexes only, walked by walkReference
	definite bool
}

// compiledPaths caches compiled paths by their text.
var compiledPaths parsedCache[*compiledPath]

// pathOf compiles a path, once per distinct path.
func pathOf(path string) *compiledPath {
	if p, ok := compiledPaths.get(path); ok {
		return p
	}
	p := &compiledPath{src: path}
	root, variable, rest, err := splitPath(path)
	switch {
	case err != nil:
		p.splitErr = err
	default:
		p.variable = variable
		switch root {
		case "context":
			p.root = rootContext
		case "variable":
			p.root = rootVariable
		}
		x, err := parseJSONPath(rest)
		if err != nil {
			p.err = fmt.Errorf("%q is not a valid JSONPath: %v", path, err)
			break
		}
		p.expr, p.whole, p.definite = x, len(x) == 1, definite(x)
		p.walk = true
		for i, f := range x {
			switch f.(type) {
			case jp.Child, jp.Nth:
				p.steps = append(p.steps, f)
			case jp.Root:
				p.walk = p.walk && i == 0
			default:
				p.walk = false
			}
		}
	}
	compiledPaths.put(path, p)
	return p
}

// getPath evaluates a compiled path. A definite path yields its value;
// an indefinite one the array of its matches. ok is false when a
// definite path matches nothing.
func (s *scope) getPath(p *compiledPath) (value any, ok bool, err error) {
	if p.splitErr != nil {
		return nil, false, p.splitErr
	}
	var data any
	switch p.root {
	case rootContext:
		if p.walk && s.context == nil && s.lazy != nil {
			if v, found, ok := s.lazy.lookup(p.steps); ok {
				return v, found, nil
			}
		}
		data = s.contextObject()
	case rootVariable:
		v, found := s.vars.get(p.variable)
		if !found {
			return nil, false, fmt.Errorf("variable $%s is not defined", p.variable)
		}
		data = v
	default:
		data = s.input
	}
	switch {
	case p.err != nil:
		return nil, false, p.err
	case p.whole:
		return data, true, nil
	case p.walk:
		v, found, _ := walkReference(p.expr, data)
		return v, found, nil
	}
	found := p.expr.Get(data)
	if p.definite {
		if len(found) == 0 {
			return nil, false, nil
		}
		return found[0], true, nil
	}
	if found == nil {
		found = []any{}
	}
	return found, true, nil
}

// mustGet evaluates a path that must match: one that does not raises
// States.Runtime, as Step Functions does, naming the path and the data.
func (s *scope) mustGet(field, path string) (any, error) {
	return s.mustGetPath(pathOf(path), field, "")
}

// mustGetPath is mustGet of a compiled path; the field's name is field
// followed by rel, joined only for an error.
func (s *scope) mustGetPath(p *compiledPath, field, rel string) (any, error) {
	v, ok, err := s.getPath(p)
	if err != nil {
		return nil, failf(ErrRuntime, "%s%s: %v", field, rel, err)
	}
	if !ok {
		return nil, failf(ErrRuntime, "%s%s: the JSONPath '%s' could not be found in the input '%s'", field, rel, p.src, truncateJSON(s.dataFor(p.src), 256))
	}
	return v, nil
}

func (s *scope) dataFor(path string) any {
	switch {
	case strings.HasPrefix(path, "$$"):
		return s.contextObject()
	case varRef.MatchString(path):
		v, _ := s.vars.get(varRef.FindStringSubmatch(path)[1])
		return v
	}
	return s.input
}
