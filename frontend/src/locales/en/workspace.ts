export default {
  title: 'Workspace',
  menu: 'Workspace menu',
  openMenu: 'Open the menu',
  collapse: 'Collapse the menu',
  expand: 'Expand the menu',
  breadcrumb: 'You are here',
  waiting: '{n} waiting',
  publicSite: { home: 'Home', hall: 'Needs hall' },
  /** Each group's mark, which alone shows in the folded side bar. */
  mark: { mine: 'G', organisation: 'O', pairing: 'P', village: 'V', review: 'R', admin: 'A' },
  group: {
    mine: 'My giving', organisation: 'My organisation', pairing: 'My pairings', village: 'Village work', review: 'Review', admin: 'Administration',
  },
  item: {
    organisation: '{name}', pairing: '{name}', households: 'Households', needs: 'Needs worklist', review: 'Review queue',
    objections: 'Objections', organisations: 'Organisations to verify', users: 'Users and roles',
  },
  record: {
    pledge: 'Pledge #{id}', order: 'Order #{id}', household: 'Household #{id}', needNew: 'New need', needEdit: 'Edit need #{id}',
    objections: 'Objections to need #{id}',
  },
}
