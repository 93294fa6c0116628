package layout

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Services are the four services; each follows the same layout (README, "Where things live").
var Services = []string{"event", "exhibitor", "gateway", "matchmaking"}

// transportForbidden are the imports a feature's http.go may not have: transport binds, calls
// and renders; the database and the bus are the store's and the consumers' business.
var transportForbidden = []string{"go.mongodb.org/mongo-driver", "github.com/nats-io/nats.go"}

// ShapeProblems lists where the services under root depart from the common layout: a main.go
// that does more than call <svc>app.Run, a missing internal/<svc>app, a type named Handlers, an
// http.go that reaches the database or the bus.
func ShapeProblems(root string) ([]string, error) {
	var out []string
	for _, svc := range Services {
		dir := filepath.Join(root, "services", svc)
		app := svc + "app"
		if st, err := os.Stat(filepath.Join(dir, "internal", app)); err != nil || !st.IsDir() {
			out = append(out, fmt.Sprintf("services/%s: no internal/%s (the wiring package)", svc, app))
		}
		p, err := mainProblems(filepath.Join(dir, "main.go"), svc, app)
		if err != nil {
			return nil, err
		}
		out = append(out, p...)
		files, err := filepath.Glob(filepath.Join(dir, "internal", "*", "*.go"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			p, err := fileProblems(root, f)
			if err != nil {
				return nil, err
			}
			out = append(out, p...)
		}
	}
	sort.Strings(out)
	return out, nil
}

func mainProblems(path, svc, app string) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if strings.Contains(p, ".") && !strings.HasSuffix(p, "/internal/"+app) {
			out = append(out, fmt.Sprintf("services/%s/main.go imports %s: main only calls %s.Run", svc, p, app))
		}
	}
	if n := fset.Position(file.End()).Line; n > 40 {
		out = append(out, fmt.Sprintf("services/%s/main.go is %d lines: wiring belongs in internal/%s", svc, n, app))
	}
	return out, nil
}

func fileProblems(root, path string) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	rel, _ := filepath.Rel(root, path)
	rel = filepath.ToSlash(rel)
	var out []string
	if filepath.Base(path) == "http.go" {
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, f := range transportForbidden {
				if strings.HasPrefix(p, f) {
					out = append(out, fmt.Sprintf("%s imports %s: transport does not reach the database or the bus", rel, p))
				}
			}
		}
	}
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, s := range g.Specs {
			if ts := s.(*ast.TypeSpec); ts.Name.Name == "Handlers" {
				out = append(out, fmt.Sprintf("%s declares type Handlers: name it Routes (transport) or Consumers (events)", rel))
			}
		}
	}
	return out, nil
}
