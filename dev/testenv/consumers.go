package testenv

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/bus"
)

// CheckConsumers fails the test unless a service's subscriptions and its event handlers agree:
//   - consumers subscribe exactly the subjects of want (durable name → subjects);
//   - each consumer's handler is a named function or method declared in a consume.go under
//     serviceRoot/internal/<feature>/, named On... after the aggregate of every subject it handles
//     (event.booth.assigned → OnBooth, OnBoothAssigned; fair and booth subjects → OnFairOrBooth);
//   - every On... function or method declared in those consume.go files handles a subscription.
//
// extra names handlers the service subscribes outside bus consumers (a read model that follows a
// stream itself), as "<feature>.<Name>" → subjects; they count as subscribed.
func CheckConsumers(tb testing.TB, serviceRoot string, consumers []bus.Consumer, want map[string][]string, extra map[string][]string) {
	tb.Helper()
	declared, err := consumeHandlers(serviceRoot)
	if err != nil {
		tb.Fatal(err)
	}
	handlers := map[string][]string{}
	got := map[string][]string{}
	for _, c := range consumers {
		got[c.Durable] = c.Subjects
		name := HandlerName(c.Handler)
		handlers[name] = append(handlers[name], c.Subjects...)
	}
	for name, subjects := range extra {
		handlers[name] = append(handlers[name], subjects...)
	}
	for _, p := range consumerProblems(got, want, handlers, declared) {
		tb.Error(p)
	}
}

// HandlerName is "<feature>.<Name>" for a handler declared in package internal/<feature> (a
// method value loses its receiver), or the runtime name of anything else.
func HandlerName(h bus.Handler) string {
	if h == nil {
		return "<nil>"
	}
	full := runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
	full = strings.TrimSuffix(full, "-fm")
	slash := strings.LastIndex(full, "/")
	rest := full[slash+1:]
	dot := strings.Index(rest, ".")
	if dot < 0 || !strings.HasSuffix(full[:slash+1], "/internal/") {
		return full
	}
	feature := rest[:dot]
	name := rest[strings.LastIndex(rest, ".")+1:]
	return feature + "." + name
}

// consumeHandlers lists the On... functions and methods of serviceRoot/internal/*/consume.go as
// "<feature>.<Name>".
func consumeHandlers(serviceRoot string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(serviceRoot, "internal", "*", "consume.go"))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		feature := filepath.Base(filepath.Dir(f))
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && strings.HasPrefix(fn.Name.Name, "On") && fn.Name.IsExported() {
				out[feature+"."+fn.Name.Name] = true
			}
		}
	}
	return out, nil
}

// consumerProblems compares subscriptions (got), the expected table (want), the handlers and the
// subjects each one is subscribed to, and the On... handlers declared in consume.go files.
func consumerProblems(got, want map[string][]string, handlers map[string][]string, declared map[string]bool) []string {
	var out []string
	for durable, subjects := range want {
		g, ok := got[durable]
		if !ok {
			out = append(out, fmt.Sprintf("consumer %s (%s) is expected but not subscribed", durable, strings.Join(subjects, ", ")))
			continue
		}
		if !sameSet(g, subjects) {
			out = append(out, fmt.Sprintf("consumer %s subscribes %v, want %v", durable, g, subjects))
		}
	}
	for durable, subjects := range got {
		if _, ok := want[durable]; !ok {
			out = append(out, fmt.Sprintf("consumer %s (%s) is subscribed but not in the expected table", durable, strings.Join(subjects, ", ")))
		}
	}
	for name, subjects := range handlers {
		if !declared[name] {
			out = append(out, fmt.Sprintf("handler %s of %v is not an On... function of a consume.go", name, subjects))
			continue
		}
		short := name[strings.Index(name, ".")+1:]
		for _, s := range subjects {
			if !strings.HasPrefix(short, "On") || !strings.Contains(short, aggregate(s)) {
				out = append(out, fmt.Sprintf("handler %s handles %s: its name must be On... and name %s", name, s, aggregate(s)))
			}
		}
	}
	names := make([]string, 0, len(declared))
	for name := range declared {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := handlers[name]; !ok {
			out = append(out, fmt.Sprintf("handler %s is declared in a consume.go but no consumer subscribes it", name))
		}
	}
	sort.Strings(out)
	return out
}

// aggregate is the capitalised second segment of a subject: event.booth.assigned → Booth.
func aggregate(subject string) string {
	parts := strings.Split(subject, ".")
	if len(parts) < 2 || parts[1] == "" {
		return subject
	}
	return strings.ToUpper(parts[1][:1]) + parts[1][1:]
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
