package msgcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BareStrings returns the places in the Go files of dirs (tests left out) that still make a user
// message from a bare one-language string: calls of the deprecated apperr.E and apperr.Wrap, Add
// and Check on an apperr.Validation, and apperr.Error or apperr.FieldError literals that set
// Message. Each place is "file:line: what". It looks at the syntax only, so it knows a
// Validation by its declaration in the same file (var v apperr.Validation, v :=
// apperr.Validation{}, or a parameter of type *apperr.Validation).
func BareStrings(dirs ...string) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, bareIn(fset, f)...)
		}
	}
	sort.Strings(out)
	return out, nil
}

// bareIn finds the bare-string messages of one file.
func bareIn(fset *token.FileSet, f *ast.File) []string {
	alias := "apperr"
	for _, imp := range f.Imports {
		if strings.HasSuffix(imp.Path.Value, `/pkg/apperr"`) && imp.Name != nil {
			alias = imp.Name.Name
		}
	}
	validations := validationNames(f, alias)
	var out []string
	report := func(n ast.Node, what string) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), what))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			recv, _ := sel.X.(*ast.Ident)
			switch {
			case recv != nil && recv.Name == alias && (sel.Sel.Name == "E" || sel.Sel.Name == "Wrap"):
				report(n, alias+"."+sel.Sel.Name+" with a bare string; use New or WrapMsg with a message")
			case recv != nil && validations[recv.Name] && (sel.Sel.Name == "Add" || sel.Sel.Name == "Check"):
				report(n, "Validation."+sel.Sel.Name+" with a bare string; use Fail or Expect with a message")
			}
		case *ast.CompositeLit:
			if name := typeName(n.Type); name == alias+".Error" || name == alias+".FieldError" {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && identName(kv.Key) == "Message" {
						report(n, name+" with Message set; use New, InvalidField or Field with a message")
					}
				}
			}
		}
		return true
	})
	return out
}

// validationNames returns the names f declares of type apperr.Validation or *apperr.Validation.
func validationNames(f *ast.File, alias string) map[string]bool {
	names := map[string]bool{}
	isValidation := func(e ast.Expr) bool {
		if star, ok := e.(*ast.StarExpr); ok {
			e = star.X
		}
		if u, ok := e.(*ast.UnaryExpr); ok {
			e = u.X
		}
		if lit, ok := e.(*ast.CompositeLit); ok {
			e = lit.Type
		}
		return typeName(e) == alias+".Validation"
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if n.Type != nil && isValidation(n.Type) {
				for _, id := range n.Names {
					names[id.Name] = true
				}
			}
		case *ast.Field:
			if isValidation(n.Type) {
				for _, id := range n.Names {
					names[id.Name] = true
				}
			}
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				if i < len(n.Lhs) && isValidation(rhs) {
					names[identName(n.Lhs[i])] = true
				}
			}
		}
		return true
	})
	return names
}

func typeName(e ast.Expr) string {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		return identName(sel.X) + "." + sel.Sel.Name
	}
	return identName(e)
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
