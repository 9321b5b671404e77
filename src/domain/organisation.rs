//! Organisations (帮扶主体): the kinds that help. Individuals donate as themselves, without one.

code_enum! {
    /// The kind of an organisation, which decides the programmes it may help in.
    pub enum OrganisationKind {
        /// 企业 (万企帮万村); requires a 统一社会信用代码.
        Enterprise = ("enterprise", "企业"),
        /// 对口帮扶 city office.
        PairedCity = ("paired_city", "对口帮扶城市"),
        /// 定点扶贫 unit.
        DesignatedUnit = ("designated_unit", "定点扶贫单位"),
        /// 社会组织.
        SocialOrg = ("social_org", "社会组织"),
        /// 村集体经济组织 / 农民专业合作社: sells a village's products (消费扶贫); its region is
        /// the village.
        Cooperative = ("cooperative", "村集体/合作社"),
    }
}
