package importer

import "github.com/ocopfair/ocopfair/pkg/apperr"

// The messages of an import: the upload's refusals, the field errors of a row and the notes of
// its outcome, read by organisers in the import report. A row's column is named as the
// spreadsheet's Vietnamese header names it, a parameter like the values people type in it.
var (
	msgFileField = apperr.M("import_file_field_missing",
		"Hãy gửi bảng tính trong trường multipart \"file\".",
		"Send the spreadsheet in the multipart field \"file\".")
	msgNoFile = apperr.M("import_no_file",
		"Yêu cầu không kèm tệp nào.",
		"The request has no file.")
	msgFileTooLarge = apperr.M("import_file_too_large",
		"Tệp lớn hơn %d MiB.",
		"The file is larger than %d MiB.")
	msgFileUnreadable = apperr.M("import_file_unreadable",
		"Không đọc được tệp.",
		"The file could not be read.")
	msgImportsBusy = apperr.M("import_busy",
		"Đang có tệp khác được nhập; vui lòng gửi lại tệp này sau một phút.",
		"Other imports are running; send this file again in a minute.")
	msgFileEmpty = apperr.M("import_file_empty",
		"Tệp không có dữ liệu.",
		"The file is empty.")
	msgColumnMissing = apperr.M("import_column_missing",
		"thiếu cột cho %s (ví dụ \"%s\")",
		"the column for %s is missing (e.g. \"%s\")")
	msgTooManyRows = apperr.M("import_too_many_rows",
		"Tệp có hơn %d dòng; mỗi lần chỉ nhập tối đa %d dòng.",
		"The file has more than %d rows; import at most %d at a time.")
	msgCSVUnreadable = apperr.M("import_csv_unreadable",
		"Không đọc được tệp CSV (lỗi ở dòng %d).",
		"The CSV file could not be read (error on line %d).")
	msgXLSXInvalid = apperr.M("import_xlsx_invalid",
		"Không đọc được tệp XLSX: tệp không phải bảng tính hợp lệ.",
		"The XLSX file could not be read: it is not a valid spreadsheet.")
	msgXLSXUnreadable = apperr.M("import_xlsx_unreadable",
		"Không đọc được tệp XLSX.",
		"The XLSX file could not be read.")
	msgXLSXNoSheet = apperr.M("import_xlsx_no_sheet",
		"Tệp XLSX không có trang tính nào.",
		"The XLSX file has no sheet.")
	msgSheetUnreadable = apperr.M("import_sheet_unreadable",
		"Không đọc được trang tính đầu tiên.",
		"The first sheet could not be read.")
	msgSheetTooWide = apperr.M("import_sheet_too_wide",
		"Dòng %d có ô ở cột thứ %d (ô trống đã định dạng cũng tính), quá %d cột mà tệp nhập đọc; hãy xóa các ô thừa ở bên phải rồi nhập lại.",
		"Row %d has a cell in column %d (an empty formatted one counts too), beyond the %d columns an import reads; delete the stray cells on the right and import again.")
	msgTooManyElements = apperr.M("import_xlsx_too_many_elements",
		"Tệp XLSX chứa quá nhiều chữ dùng chung hoặc định dạng (hơn %d phần tử ngoài các ô của trang tính, thường do các trang tính khác hoặc định dạng thừa) so với một danh sách tối đa 5.000 dòng; hãy chép danh sách sang một tệp mới chỉ có một trang tính, hoặc lưu dạng CSV, rồi nhập lại.",
		"The XLSX file holds too much shared text or formatting (more than %d elements besides its sheets' cells, often from other sheets or stray formatting) for a list of at most 5,000 rows; copy the list into a new file with one sheet, or save it as CSV, and import again.")
	msgTooManyFormats = apperr.M("import_xlsx_too_many_formats",
		"Tệp XLSX có hơn %d kiểu định dạng ô, nhiều hơn Excel cho phép; hãy chép danh sách sang một tệp mới, hoặc lưu dạng CSV, rồi nhập lại.",
		"The XLSX file has more than %d cell formats, more than Excel allows; copy the list into a new file, or save it as CSV, and import again.")
	msgTextTooLong = apperr.M("import_text_too_long",
		"Tệp có một đoạn chữ dài hơn %d ký tự, nhiều hơn một ô Excel chứa được; hãy kiểm tra lại tệp.",
		"The file holds a text longer than %d characters, more than an Excel cell holds; check the file.")
	msgTextEscapes = apperr.M("import_text_escapes",
		"Tệp có một đoạn chữ chứa hơn %d ký tự mã hoá dạng _xHHHH_; hãy lưu lại tệp từ Excel hoặc dạng CSV.",
		"The file holds a text with more than %d characters escaped as _xHHHH_; save the file again from Excel or as CSV.")
	msgCellsOutOfOrder = apperr.M("import_cells_out_of_order",
		"Dòng %d có ô ở cột %d đứng sau ô ở cột %d: các ô không theo thứ tự; hãy lưu lại tệp từ Excel hoặc dạng CSV.",
		"Row %d has a cell in column %d after one in column %d: the cells are out of order; save the file again from Excel or as CSV.")
	msgFormats = apperr.M("import_number_formats",
		"Định dạng số của tệp vượt giới hạn của Excel (tối đa %d định dạng, mỗi định dạng %d ký tự); hãy lưu lại tệp từ Excel hoặc dạng CSV.",
		"The file's number formats exceed Excel's limits (at most %d formats of %d characters each); save the file again from Excel or as CSV.")
	msgRowsOutOfOrder = apperr.M("import_rows_out_of_order",
		"Dòng số %d đứng sau dòng %d: các dòng của tệp không theo thứ tự; hãy lưu lại tệp từ Excel hoặc dạng CSV.",
		"Row %d comes after row %d: the file's rows are out of order; save the file again from Excel or as CSV.")
	msgCellTooLong = apperr.M("import_cell_too_long",
		"Ô ở dòng %d, cột %d có hơn %d ký tự, nhiều hơn một ô bảng tính chứa được; hãy kiểm tra lại tệp.",
		"The cell on row %d, column %d holds more than %d characters, more than a spreadsheet cell holds; check the file.")
	msgTooMuchText = apperr.M("import_too_much_text",
		"Tổng nội dung các ô của tệp vượt quá %d MiB; hãy chia danh sách thành nhiều tệp nhỏ hơn.",
		"The file's cells hold more than %d MiB of text; split the list into smaller files.")
	msgCSVTooManyCells = apperr.M("import_csv_too_many_cells",
		"Tệp CSV có hơn %d dấu phân cách, nhiều hơn số ô mà tệp nhập đọc; hãy xóa các cột thừa rồi nhập lại.",
		"The CSV file has more than %d separators, more cells than an import reads; delete the stray columns and import again.")
	msgXLSXTooManyParts = apperr.M("import_xlsx_too_many_parts",
		"Tệp XLSX quá lớn khi giải nén: tệp có %d phần, chỉ đọc tối đa %d phần; hãy lưu danh sách thành tệp nhỏ hơn hoặc dạng CSV.",
		"The XLSX file is too large once unpacked: it has %d parts, at most %d are read; save the list as a smaller file or as CSV.")
	msgXLSXPartTooLarge = apperr.M("import_xlsx_part_too_large",
		"Tệp XLSX quá lớn khi giải nén: một phần của tệp giải nén ra %d MiB, chỉ đọc tối đa %d MiB; hãy lưu danh sách thành tệp nhỏ hơn hoặc dạng CSV.",
		"The XLSX file is too large once unpacked: one of its parts unpacks to %d MiB, at most %d MiB are read; save the list as a smaller file or as CSV.")
	msgXLSXTooLarge = apperr.M("import_xlsx_too_large",
		"Tệp XLSX quá lớn khi giải nén: các phần của tệp giải nén ra hơn %d MiB; hãy lưu danh sách thành tệp nhỏ hơn hoặc dạng CSV.",
		"The XLSX file is too large once unpacked: its parts unpack to more than %d MiB; save the list as a smaller file or as CSV.")
	msgXLSXRatio = apperr.M("import_xlsx_ratio",
		"Tệp XLSX quá lớn khi giải nén: một phần của tệp giải nén ra gấp hơn %d lần kích thước nén, như tệp nén độc hại; hãy lưu danh sách thành tệp nhỏ hơn hoặc dạng CSV.",
		"The XLSX file is too large once unpacked: one of its parts unpacks to more than %d times its packed size, as zip bombs do; save the list as a smaller file or as CSV.")

	msgColumnOneOf = apperr.M("import_column_one_of",
		"%s phải là %s",
		"%s must be %s")
	msgColumnCriteriaSet = apperr.M("import_criteria_set",
		"%s phải là số từ 1 đến 26 hoặc tên một nhóm sản phẩm",
		"%s must be a number from 1 to 26 or a product group name")
	msgColumnDate = apperr.M("import_date",
		"%s phải là ngày theo dạng ngày/tháng/năm, ví dụ 15/03/2024",
		"%s must be a date such as 15/03/2024")
	msgColumnUnit = apperr.M("import_unit_unknown",
		"%s không phải đơn vị tính đã biết (%s, ...)",
		"%s is not a known unit (%s, ...)")
	msgTaxCode = apperr.M("import_tax_code_invalid",
		"không phải mã số thuế hợp lệ",
		"is not a valid tax code")

	msgProductExists = apperr.M("import_product_exists",
		"Chủ thể OCOP này đã có sản phẩm cùng tên.",
		"This producer already has a product with this name.")
	msgCertificateExpired = apperr.M("import_certificate_expired",
		"Đã nhập, nhưng giấy chứng nhận OCOP đã hết hạn.",
		"Imported, but the OCOP certificate has already expired.")
	msgOtherName = apperr.M("import_producer_other_name",
		"Mã số thuế này đã thuộc về chủ thể «%s»: sản phẩm được thêm cho chủ thể đó, tên «%s» của dòng này không được dùng; hãy kiểm tra nếu đây là một chủ thể khác.",
		"This tax code already belongs to «%s»: the product was added to that producer and this row's name «%s» was not used; check it if this is another producer.")
	msgSelfManaged = apperr.M("import_producer_self_managed",
		"Mã số thuế này thuộc về chủ thể OCOP tự quản lý hồ sơ (%s): sản phẩm không được nhập; chủ thể tự thêm sản phẩm, hoặc hãy kiểm tra hồ sơ nếu mã số thuế không phải của họ.",
		"This tax code belongs to a producer that manages its own profile (%s): its products are not imported; the producer adds them, or check the profile if the tax code is not theirs.")
	msgClaimNotIssued = apperr.M("import_claim_code_not_issued",
		"Chưa cấp được mã nhận hồ sơ cho chủ thể OCOP; hãy cấp mã trên trang của chủ thể.",
		"The producer's claim code could not be issued; issue one on the producer's page.")
	msgClaimNotAudited = apperr.M("import_claim_code_not_audited",
		"Mã nhận hồ sơ đã được cấp nhưng chưa ghi được vào nhật ký nhận hồ sơ.",
		"The claim code's issue could not be recorded in the audit log.")
)

// The values a row's columns take, as people type them, for the messages of a wrong value.
var (
	kindValues  = apperr.OrOf("HTX", "doanh nghiệp", "hộ kinh doanh", "tổ hợp tác")
	starsValues = apperr.OrOf("3", "4", "5", "tiềm năng 5 sao")
)

// unitExamples are units as people type them, for the message of an unknown unit.
const unitExamples = "kg, tấn, lít, chai, hộp, gói"
