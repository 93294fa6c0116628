package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

const sampleCSV = "\uFEFFTên chủ thể,Loại hình,Mã số thuế,Tỉnh/thành phố,Xã/phường,Điện thoại,Tên sản phẩm,Bộ tiêu chí,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
	"HTX Mật ong Bắc Hà,HTX,5300123456,Lào Cai,Xã Bắc Hà,0912345678,Mật ong bạc hà,4,4 sao,12/QĐ-UBND,UBND tỉnh Lào Cai,15/03/2024,lít\n" +
	",,,,,,,,,,,,\n" +
	"Công ty Chè Tân Cương,Doanh nghiệp,4600123456,Thái Nguyên,Xã Tân Cương,0208 3855 123,Chè búp Tân Cương,Chè,tiềm năng 5 sao,45/QĐ-UBND,UBND tỉnh Thái Nguyên,2024-06-01,kg\n"

func TestParseCSV(t *testing.T) {
	rows, err := Parse([]byte(sampleCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 4 {
		t.Fatalf("rows = %+v", rows)
	}
	if rows[1].Cells["legal_name"] != "Công ty Chè Tân Cương" || rows[1].Cells["stars"] != "tiềm năng 5 sao" {
		t.Errorf("row 4 = %+v", rows[1].Cells)
	}
}

func TestParseSemicolonsAndMissingColumns(t *testing.T) {
	semi := strings.ReplaceAll(sampleCSV, ",", ";")
	if rows, err := Parse([]byte(semi)); err != nil || len(rows) != 2 {
		t.Errorf("semicolon CSV: %d rows, %v", len(rows), err)
	}
	_, err := Parse([]byte("Tên chủ thể,Mã số thuế\nA,1\n"))
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing columns = %v", err)
	}
}

func TestParseXLSX(t *testing.T) {
	f := excelize.NewFile()
	lines := strings.Split(strings.TrimPrefix(sampleCSV, "\uFEFF"), "\n")
	for r, line := range lines {
		for c, cell := range strings.Split(line, ",") {
			name, _ := excelize.CoordinatesToCellName(c+1, r+1)
			_ = f.SetCellValue("Sheet1", name, cell)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := Parse(buf.Bytes())
	if err != nil || len(rows) != 2 || rows[0].Cells["province"] != "Lào Cai" {
		t.Fatalf("xlsx rows = %+v, %v", rows, err)
	}
}

func TestCellReaders(t *testing.T) {
	for in, want := range map[string]string{"HTX": "cooperative", "Hợp tác xã": "cooperative", "Công ty TNHH": "enterprise", "Hộ kinh doanh": "household_business", "Tổ hợp tác": "cooperative_group"} {
		if got, ok := Kind(in); !ok || got != want {
			t.Errorf("Kind(%q) = %q, %v", in, got, ok)
		}
	}
	for in, want := range map[string]int{"4": 4, "5 sao": 5, "3*": 3, "4★": 4} {
		if r, ok := Stars(in); !ok || r.Stars != want {
			t.Errorf("Stars(%q) = %+v, %v", in, r, ok)
		}
	}
	if r, ok := Stars("Tiềm năng 5 sao"); !ok || !r.PotentialFive || r.Stars != 4 {
		t.Errorf("potential five = %+v", r)
	}
	if _, ok := Stars("2"); ok {
		t.Error("2 stars accepted")
	}
	if n, sector, ok := CriteriaSet("Thảo dược"); !ok || sector != "medicinal" || n != 18 {
		t.Errorf("CriteriaSet(Thảo dược) = %d %s %v", n, sector, ok)
	}
	if d, ok := Date("15/03/2024"); !ok || d.Day() != 15 || d.Month() != 3 {
		t.Errorf("Date = %v", d)
	}
	if d, ok := Date("45366"); !ok || d.Year() != 2024 {
		t.Errorf("Excel serial date = %v, %v", d, ok)
	}
	if u, ok := Unit("lít"); !ok || u != "litre" {
		t.Errorf("Unit(lít) = %s", u)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleCSV))
	f.Add([]byte("a,b\n\"unterminated"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte(strings.ReplaceAll(sampleCSV, ",", ";")))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Parse(data)
		if err != nil {
			if apperr.KindOf(err) == apperr.Internal {
				t.Fatalf("Parse error without a kind: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Line < 2 {
				t.Fatalf("row line %d", r.Line)
			}
			for col := range r.Cells {
				if _, known := headers[col]; !known {
					t.Fatalf("unknown column key %q", col)
				}
			}
			// Cell readers must not panic on anything.
			Kind(r.Cells["kind"])
			Stars(r.Cells["stars"])
			CriteriaSet(r.Cells["criteria_set"])
			Date(r.Cells["issued_on"])
			Unit(r.Cells["unit"])
		}
	})
}
