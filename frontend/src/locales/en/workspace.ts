export default {
  title: 'Workspace',
  menu: 'Workspace menu',
  openMenu: 'Open the menu',
  collapse: 'Collapse the menu',
  expand: 'Expand the menu',
  breadcrumb: 'You are here',
  waiting: '{n} waiting',
  publicSite: { home: 'Home', hall: 'Needs hall' },
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
