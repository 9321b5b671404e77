export default {
  public: '公开',
  staffOnly: '仅工作人员可见',
  publish: '公开展示',
  publishOne: '公开展示第 {n} 张照片',
  publishConfirm: '需求公示和发布后，所有人都能看到这张照片。请确认照片中没有人脸、身份证、门牌号或快递面单。',
  published: '照片将随需求公开',
  hide: '撤回公开',
  hideOne: '撤回公开第 {n} 张照片',
  hideConfirm: '这张照片将立即不再公开，只有本村干部和审核员能看到。',
  hidden: '照片已撤回公开',
  hint: '新上传的照片默认仅工作人员可见；确认照片不含个人信息后，可逐张公开展示。',
}
