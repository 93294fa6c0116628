package layout

import "testing"

func TestNoFileOrFunctionOverTheLimits(t *testing.T) {
	over, err := Oversize("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range over {
		t.Error(o)
	}
}

func TestEveryServiceHasTheCommonShape(t *testing.T) {
	problems, err := ShapeProblems("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
