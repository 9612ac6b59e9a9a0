//! The headings of the form 別紙様式第2, in Japanese as the form prints them and in English.

/// The column headings of 別紙様式第2, in order.
pub struct Headings {
    /// The form's title, 可搬記憶媒体管理簿.
    pub title: &'static str,
    /// The label of the medium number at the head of the form.
    pub medium_no: &'static str,
    /// The row number column, 番号.
    pub no: &'static str,
    /// The heading over the use and return columns.
    pub group_use: &'static str,
    /// The heading over the carry-out, loan and transfer columns.
    pub group_out: &'static str,
    /// The heading over the columns of business data copied at the destination.
    pub group_copy: &'static str,
    /// The eleven data columns after 番号.
    pub columns: [&'static str; 11],
    /// The date and time of disposal or transfer, 破棄（交付）日時.
    pub disposal_time: &'static str,
    /// Who carried out the disposal or transfer, 破棄（交付）実施者.
    pub executor: &'static str,
    /// Who witnessed the destruction, 破棄立会者.
    pub witness: &'static str,
    /// The affiliation (所属) beside a name.
    pub affiliation: &'static str,
    /// The name (名前) beside an affiliation.
    pub name: &'static str,
    /// How the medium was destroyed, 破棄方法.
    pub method: &'static str,
    /// Who approved, 許可者.
    pub approver: &'static str,
    /// The check of the data when a medium comes back, 返却時のデータ確認.
    pub return_check: &'static str,
    /// The note printed under the form: one form per medium.
    pub footnote: &'static str,
}

/// The form's headings in Japanese, as 別紙様式第2 prints them.
pub const JA: Headings = Headings {
    title: "可搬記憶媒体管理簿",
    medium_no: "媒体番号",
    no: "番号",
    group_use: "可搬記憶媒体の使用",
    group_out: "可搬記憶媒体の一時持出し・貸出し・交付",
    group_copy: "持ち出し又は貸出し先における業務用データの複製",
    columns: [
        "使用開始日時",
        "使用者名",
        "使用目的",
        "返却日時",
        "持出し・貸出し・交付の別",
        "持出し・貸出し期間（交付日時）",
        "持出し・貸出し先（交付者名）",
        "持出し・貸出し目的（交付目的）",
        "複製する業務用データの内容",
        "複製する相手方",
        "複製の目的",
    ],
    disposal_time: "破棄（交付）日時",
    executor: "破棄（交付）実施者",
    witness: "破棄立会者",
    affiliation: "所属",
    name: "名前",
    method: "破棄方法",
    approver: "許可者",
    return_check: "返却時のデータ確認",
    footnote: "※ この様式は一つの可搬記憶媒体ごとに作成するものとする。",
};

/// The form's headings in English, column for column with [`JA`].
pub const EN: Headings = Headings {
    title: "Portable Storage Media Ledger",
    medium_no: "Medium No.",
    no: "No.",
    group_use: "Use of the medium",
    group_out: "Temporary carry-out, loan or transfer",
    group_copy: "Copies of business data at the carry-out or loan destination",
    columns: [
        "Use started",
        "User",
        "Purpose of use",
        "Returned",
        "Carry-out / loan / transfer",
        "Period (transfer date-time)",
        "Destination (recipient)",
        "Purpose (of transfer)",
        "Data copied",
        "Copied to",
        "Purpose of copy",
    ],
    disposal_time: "Destroyed (transferred) at",
    executor: "Executed by",
    witness: "Witnessed by",
    affiliation: "Affiliation",
    name: "Name",
    method: "Method",
    approver: "Approved by",
    return_check: "Data check on return",
    footnote: "* One form per portable storage medium.",
};
