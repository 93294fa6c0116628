// Package layout checks the shape of the source tree: how long files and functions may grow, and
// where each service keeps its wiring and its features.
package layout

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Limits on the size of source files and functions. The B2B scheduler's search loops and the
// demo data are exempt: the first trade names for speed, the second is a list.
const (
	MaxFileLines = 500
	MaxFuncLines = 80
)

// generated matches the line that marks a generated Go file (https://go.dev/s/generatedcode).
var generated = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// Exempt reports whether the file at path (slash-separated, relative to the repository root) is
// outside the size limits.
func Exempt(path string) bool {
	return strings.HasPrefix(path, "services/matchmaking/internal/schedule/") || path == "dev/localstack/demo.go"
}

// Oversize lists the Go files and functions under root's pkg, dev and services trees that exceed
// the limits, as "path: what" lines, sorted.
func Oversize(root string) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	for _, tree := range []string{"pkg", "dev", "services"} {
		err := filepath.WalkDir(filepath.Join(root, tree), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if Exempt(rel) {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if generated.Match(src[:min(len(src), 1024)]) {
				return nil // a generator's output, reviewed through its input
			}
			if n := strings.Count(string(src), "\n"); n > MaxFileLines {
				out = append(out, fmt.Sprintf("%s: %d lines (limit %d)", rel, n, MaxFileLines))
			}
			file, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, decl := range file.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
				if lines > MaxFuncLines {
					out = append(out, fmt.Sprintf("%s: func %s is %d lines (limit %d)", rel, funcName(fn), lines, MaxFuncLines))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if idx, ok := t.(*ast.IndexExpr); ok {
		t = idx.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}
